<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name></name>
    <message>
        <source>Save the recovery key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Carnet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer no longer holds the key part this notebook needs. Use the recovery key to open it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Please check what you typed: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no notebook here, or it is damaged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It is no longer there: it may have been deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A check failed: this data has been changed or damaged. {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled. Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The wipe did not finish: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The disk refused the change (is it full or read-only?). Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending failed: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This could not be done: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The notebook&apos;s database reported an error. Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something unexpected went wrong. Nothing more is shown, to protect your data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Carnet could not open the notebook with this passphrase.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Country</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search titles, narratives, places, people, tags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Violation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From (YYYY-MM-DD)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To (YYYY-MM-DD)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: any</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>People</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Interventions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custody</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The incident has changes that are not saved. Discard them?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Working</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passphrase strength</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hint: very easy to guess. Add more unusual words.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hint: easy to guess. Add more unusual words.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hint: could be stronger. A few more words would help.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hint: strong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hint: very strong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose your language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You can change it later in Settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passphrase again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passphrase problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It protects everything in the notebook. Use at least {n} characters: several unusual words are easier to remember and harder to guess. If you forget it, only the recovery key can open the notebook.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At least {n} characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The two passphrases are not the same.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer&apos;s keyring will hold one part of the key. Someone who copies the notebook to another computer cannot open it even with your passphrase; on a new computer you will need the recovery key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer has no keyring Carnet can use, so the passphrase alone opens the notebook. Choose a long one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Safety options (you can skip them)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set a duress passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duress passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duress passphrase again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wipe the notebook after failed unlocks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed unlocks before the wipe</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>If someone forces you to unlock, type the duress passphrase instead. Carnet then erases everything in the notebook, without any sign, and opens an empty notebook. What was erased cannot be brought back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After this many wrong passphrases in a row, Carnet erases the notebook. A person guessing cannot try for long, but neither can you: keep your recovery key safe.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed unlocks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The duress passphrase must differ from your passphrase.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creating your notebook</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deriving the key from your passphrase…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your recovery key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save to file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the recovery key to a file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Group to retype</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write this key down on paper and keep it apart from this computer. It opens the notebook if you forget your passphrase or lose this computer. It is shown only now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To check you wrote it down, type group number {n}:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Carnet — new notebook</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your notebook is ready.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The incident has changes that are not saved. Quit anyway?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Carnet — recovery key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer no longer holds the key part this notebook needs, so the passphrase alone cannot open it. Type your recovery key and choose a passphrase for this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type your recovery key and choose a new passphrase.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New passphrase again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recover</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Carnet — settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock after this long without use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock when the screen locks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock when the computer sleeps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock when minimised</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear copied text after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lock after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{setting} (not available on this desktop)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Carnet is locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type your passphrase to open your notebook.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the recovery key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
            <numerusform></numerusform>
            <numerusform></numerusform>
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
</TS>
