<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr">
<context>
    <name></name>
    <message>
        <source>Save the recovery key</source>
        <translation>Enregistrer la clé de récupération</translation>
    </message>
    <message>
        <source>Carnet</source>
        <translation>Carnet</translation>
    </message>
    <message>
        <source>Carnet — {what}</source>
        <translation>Carnet — {what}</translation>
    </message>
    <message>
        <source>This computer no longer holds the key part this notebook needs. Use the recovery key to open it.</source>
        <translation>Cet ordinateur ne contient plus la partie de la clé dont ce carnet a besoin. Utilisez la clé de récupération pour l&apos;ouvrir.</translation>
    </message>
    <message>
        <source>Please check what you typed: {detail}</source>
        <translation>Vérifiez ce que vous avez saisi&#xa0;: {detail}</translation>
    </message>
    <message>
        <source>There is no notebook here, or it is damaged.</source>
        <translation>Il n&apos;y a pas de carnet ici, ou il est endommagé.</translation>
    </message>
    <message>
        <source>It is no longer there: it may have been deleted.</source>
        <translation>Cet élément n&apos;existe plus&#xa0;: il a peut-être été supprimé.</translation>
    </message>
    <message>
        <source>A check failed: this data has been changed or damaged. {detail}</source>
        <translation>Une vérification a échoué&#xa0;: ces données ont été modifiées ou endommagées. {detail}</translation>
    </message>
    <message>
        <source>Cancelled. Nothing was changed.</source>
        <translation>Annulé. Rien n&apos;a été modifié.</translation>
    </message>
    <message>
        <source>The wipe did not finish: {detail}</source>
        <translation>L&apos;effacement ne s&apos;est pas terminé&#xa0;: {detail}</translation>
    </message>
    <message>
        <source>The disk refused the change (is it full or read-only?). Nothing was changed.</source>
        <translation>Le disque a refusé la modification (est-il plein ou en lecture seule&#xa0;?). Rien n&apos;a été modifié.</translation>
    </message>
    <message>
        <source>Sending failed: {detail}</source>
        <translation>L&apos;envoi a échoué&#xa0;: {detail}</translation>
    </message>
    <message>
        <source>This could not be done: {detail}</source>
        <translation>Cette opération n&apos;a pas pu être effectuée&#xa0;: {detail}</translation>
    </message>
    <message>
        <source>The notebook&apos;s database reported an error. Nothing was changed.</source>
        <translation>La base de données du carnet a signalé une erreur. Rien n&apos;a été modifié.</translation>
    </message>
    <message>
        <source>Something unexpected went wrong. Nothing more is shown, to protect your data.</source>
        <translation>Une erreur inattendue s&apos;est produite. Rien de plus n&apos;est affiché, pour protéger vos données.</translation>
    </message>
    <message>
        <source>Carnet could not open the notebook with this passphrase.</source>
        <translation>Carnet n&apos;a pas pu ouvrir le carnet avec cette phrase secrète.</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>N°</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>Pays</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Modifié le</translation>
    </message>
    <message>
        <source>Search titles, narratives, places, people, tags</source>
        <translation>Rechercher dans les titres, récits, lieux, personnes, étiquettes</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Rechercher</translation>
    </message>
    <message>
        <source>Violation</source>
        <translation>Violation</translation>
    </message>
    <message>
        <source>From date</source>
        <translation>Date de début</translation>
    </message>
    <message>
        <source>To date</source>
        <translation>Date de fin</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Du</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Au</translation>
    </message>
    <message>
        <source>Search problem</source>
        <translation>Problème de recherche</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>Incidents</translation>
    </message>
    <message>
        <source>{name}: any</source>
        <translation>{name}&#xa0;: indifférent</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>AAAA-MM-JJ</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>Incident</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Date et heure</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Objet</translation>
    </message>
    <message>
        <source>People</source>
        <translation>Personnes</translation>
    </message>
    <message>
        <source>Interventions</source>
        <translation>Interventions</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>Preuves</translation>
    </message>
    <message>
        <source>Custody</source>
        <translation>Chaîne de possession</translation>
    </message>
    <message>
        <source>The incident has changes that are not saved. Discard them?</source>
        <translation>L&apos;incident comporte des modifications non enregistrées. Les abandonner&#xa0;?</translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation>Abandonner les modifications</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>Traitement en cours</translation>
    </message>
    <message>
        <source>Passphrase strength</source>
        <translation>Robustesse de la phrase secrète</translation>
    </message>
    <message>
        <source>Hint: very easy to guess. Add more unusual words.</source>
        <translation>Indication&#xa0;: très facile à deviner. Ajoutez d&apos;autres mots peu courants.</translation>
    </message>
    <message>
        <source>Hint: easy to guess. Add more unusual words.</source>
        <translation>Indication&#xa0;: facile à deviner. Ajoutez d&apos;autres mots peu courants.</translation>
    </message>
    <message>
        <source>Hint: could be stronger. A few more words would help.</source>
        <translation>Indication&#xa0;: pourrait être plus robuste. Quelques mots de plus aideraient.</translation>
    </message>
    <message>
        <source>Hint: strong.</source>
        <translation>Indication&#xa0;: robuste.</translation>
    </message>
    <message>
        <source>Hint: very strong.</source>
        <translation>Indication&#xa0;: très robuste.</translation>
    </message>
    <message>
        <source>Choose your language</source>
        <translation>Choisissez votre langue</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>You can change it later in Settings.</source>
        <translation>Vous pourrez la modifier plus tard dans les Paramètres.</translation>
    </message>
    <message>
        <source>Choose a passphrase</source>
        <translation>Choisissez une phrase secrète</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Phrase secrète</translation>
    </message>
    <message>
        <source>Passphrase again</source>
        <translation>Phrase secrète (confirmation)</translation>
    </message>
    <message>
        <source>Passphrase problem</source>
        <translation>Problème de phrase secrète</translation>
    </message>
    <message>
        <source>Again</source>
        <translation>Confirmation</translation>
    </message>
    <message>
        <source>It protects everything in the notebook. Use at least {n} characters: several unusual words are easier to remember and harder to guess. If you forget it, only the recovery key can open the notebook.</source>
        <translation>Elle protège tout le contenu du carnet. Utilisez au moins {n} caractères&#xa0;: plusieurs mots peu courants sont plus faciles à retenir et plus difficiles à deviner. Si vous l&apos;oubliez, seule la clé de récupération pourra ouvrir le carnet.</translation>
    </message>
    <message>
        <source>At least {n} characters.</source>
        <translation>Au moins {n} caractères.</translation>
    </message>
    <message>
        <source>The two passphrases are not the same.</source>
        <translation>Les deux phrases secrètes ne sont pas identiques.</translation>
    </message>
    <message>
        <source>This computer&apos;s keyring will hold one part of the key. Someone who copies the notebook to another computer cannot open it even with your passphrase; on a new computer you will need the recovery key.</source>
        <translation>Le trousseau de clés de cet ordinateur conservera une partie de la clé. Une personne qui copie le carnet sur un autre ordinateur ne peut pas l&apos;ouvrir, même avec votre phrase secrète&#xa0;; sur un nouvel ordinateur, il vous faudra la clé de récupération.</translation>
    </message>
    <message>
        <source>This computer has no keyring Carnet can use, so the passphrase alone opens the notebook. Choose a long one.</source>
        <translation>Cet ordinateur n&apos;a pas de trousseau de clés que Carnet puisse utiliser&#xa0;: la phrase secrète seule ouvre donc le carnet. Choisissez-en une longue.</translation>
    </message>
    <message>
        <source>Safety options (you can skip them)</source>
        <translation>Options de sécurité (vous pouvez les passer)</translation>
    </message>
    <message>
        <source>Set a duress passphrase</source>
        <translation>Définir une phrase secrète de contrainte</translation>
    </message>
    <message>
        <source>Duress passphrase</source>
        <translation>Phrase secrète de contrainte</translation>
    </message>
    <message>
        <source>Duress passphrase again</source>
        <translation>Phrase secrète de contrainte (confirmation)</translation>
    </message>
    <message>
        <source>Wipe the notebook after failed unlocks</source>
        <translation>Effacer le carnet après des échecs de déverrouillage</translation>
    </message>
    <message>
        <source>Failed unlocks before the wipe</source>
        <translation>Échecs de déverrouillage avant l&apos;effacement</translation>
    </message>
    <message>
        <source>If someone forces you to unlock, type the duress passphrase instead. Carnet then erases everything in the notebook, without any sign, and opens an empty notebook. What was erased cannot be brought back.</source>
        <translation>Si quelqu&apos;un vous force à déverrouiller, saisissez plutôt la phrase secrète de contrainte. Carnet efface alors tout le contenu du carnet, sans rien laisser paraître, et ouvre un carnet vide. Ce qui a été effacé ne peut pas être récupéré.</translation>
    </message>
    <message>
        <source>After this many wrong passphrases in a row, Carnet erases the notebook. A person guessing cannot try for long, but neither can you: keep your recovery key safe.</source>
        <translation>Après ce nombre de phrases secrètes erronées d&apos;affilée, Carnet efface le carnet. Une personne qui essaie de deviner ne peut pas insister longtemps, mais vous non plus&#xa0;: conservez votre clé de récupération en lieu sûr.</translation>
    </message>
    <message>
        <source>Failed unlocks</source>
        <translation>Échecs de déverrouillage</translation>
    </message>
    <message>
        <source>The duress passphrase must differ from your passphrase.</source>
        <translation>La phrase secrète de contrainte doit être différente de votre phrase secrète.</translation>
    </message>
    <message>
        <source>Creating your notebook</source>
        <translation>Création de votre carnet</translation>
    </message>
    <message>
        <source>Deriving the key from your passphrase…</source>
        <translation>Calcul de la clé à partir de votre phrase secrète…</translation>
    </message>
    <message>
        <source>Your recovery key</source>
        <translation>Votre clé de récupération</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>Clé de récupération</translation>
    </message>
    <message>
        <source>Save to file…</source>
        <translation>Enregistrer dans un fichier…</translation>
    </message>
    <message>
        <source>Save the recovery key to a file</source>
        <translation>Enregistrer la clé de récupération dans un fichier</translation>
    </message>
    <message>
        <source>Group to retype</source>
        <translation>Groupe à saisir de nouveau</translation>
    </message>
    <message>
        <source>Write this key down on paper and keep it apart from this computer. It opens the notebook if you forget your passphrase or lose this computer. It is shown only now.</source>
        <translation>Notez cette clé sur papier et conservez-la à l&apos;écart de cet ordinateur. Elle ouvre le carnet si vous oubliez votre phrase secrète ou perdez cet ordinateur. Elle n&apos;est affichée que maintenant.</translation>
    </message>
    <message>
        <source>To check you wrote it down, type group number {n}:</source>
        <translation>Pour vérifier que vous l&apos;avez notée, saisissez le groupe numéro {n}&#xa0;:</translation>
    </message>
    <message>
        <source>Carnet — new notebook</source>
        <translation>Carnet — nouveau carnet</translation>
    </message>
    <message>
        <source>Your notebook is ready.</source>
        <translation>Votre carnet est prêt.</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Barre d&apos;outils principale</translation>
    </message>
    <message>
        <source>New incident</source>
        <translation>Nouvel incident</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Verrouiller</translation>
    </message>
    <message>
        <source>The incident has changes that are not saved. Quit anyway?</source>
        <translation>L&apos;incident comporte des modifications non enregistrées. Quitter quand même&#xa0;?</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <source>Carnet — recovery key</source>
        <translation>Carnet — clé de récupération</translation>
    </message>
    <message>
        <source>This computer no longer holds the key part this notebook needs, so the passphrase alone cannot open it. Type your recovery key and choose a passphrase for this computer.</source>
        <translation>Cet ordinateur ne contient plus la partie de la clé dont ce carnet a besoin&#xa0;: la phrase secrète seule ne peut donc pas l&apos;ouvrir. Saisissez votre clé de récupération et choisissez une phrase secrète pour cet ordinateur.</translation>
    </message>
    <message>
        <source>Type your recovery key and choose a new passphrase.</source>
        <translation>Saisissez votre clé de récupération et choisissez une nouvelle phrase secrète.</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>Nouvelle phrase secrète</translation>
    </message>
    <message>
        <source>New passphrase again</source>
        <translation>Nouvelle phrase secrète (confirmation)</translation>
    </message>
    <message>
        <source>Recover</source>
        <translation>Récupérer l&apos;accès</translation>
    </message>
    <message>
        <source>Carnet — settings</source>
        <translation>Carnet — paramètres</translation>
    </message>
    <message>
        <source>Lock after this long without use</source>
        <translation>Verrouiller après cette durée d&apos;inactivité</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Jamais</translation>
    </message>
    <message>
        <source>Lock when the screen locks</source>
        <translation>Verrouiller quand l&apos;écran se verrouille</translation>
    </message>
    <message>
        <source>Lock when the computer sleeps</source>
        <translation>Verrouiller quand l&apos;ordinateur se met en veille</translation>
    </message>
    <message>
        <source>Lock when minimised</source>
        <translation>Verrouiller quand la fenêtre est réduite</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Never clear</source>
        <translation>Ne jamais effacer</translation>
    </message>
    <message>
        <source>Clear copied text after</source>
        <translation>Effacer le texte copié après</translation>
    </message>
    <message>
        <source>Lock after</source>
        <translation>Verrouiller après</translation>
    </message>
    <message>
        <source>{setting} (not available on this desktop)</source>
        <translation>{setting} (non disponible sur ce bureau)</translation>
    </message>
    <message>
        <source>Carnet is locked</source>
        <translation>Carnet est verrouillé</translation>
    </message>
    <message>
        <source>Type your passphrase to open your notebook.</source>
        <translation>Saisissez votre phrase secrète pour ouvrir votre carnet.</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Déverrouiller</translation>
    </message>
    <message>
        <source>Use the recovery key</source>
        <translation>Utiliser la clé de récupération</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Opening…</source>
        <translation>Ouverture…</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Ajouté le</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copie</translation>
    </message>
    <message>
        <source>stripped copy</source>
        <translation>copie sans métadonnées</translation>
    </message>
    <message>
        <source>Custody log</source>
        <translation>Journal de la chaîne de possession</translation>
    </message>
    <message>
        <source>Whole notebook</source>
        <translation>Tout le carnet</translation>
    </message>
    <message>
        <source>Show the whole notebook&apos;s custody log</source>
        <translation>Afficher le journal de la chaîne de possession de tout le carnet</translation>
    </message>
    <message>
        <source>Verify</source>
        <translation>Vérifier</translation>
    </message>
    <message>
        <source>Verify the custody log</source>
        <translation>Vérifier le journal de la chaîne de possession</translation>
    </message>
    <message>
        <source>Verification progress</source>
        <translation>Progression de la vérification</translation>
    </message>
    <message>
        <source>Verification result</source>
        <translation>Résultat de la vérification</translation>
    </message>
    <message>
        <source>Evidence files</source>
        <translation>Fichiers de preuves</translation>
    </message>
    <message>
        <source>Attach files…</source>
        <translation>Joindre des fichiers…</translation>
    </message>
    <message>
        <source>Attach and delete the originals…</source>
        <translation>Joindre et supprimer les originaux…</translation>
    </message>
    <message>
        <source>Save a copy as…</source>
        <translation>Enregistrer une copie sous…</translation>
    </message>
    <message>
        <source>Make a shareable copy without metadata</source>
        <translation>Créer une copie partageable sans métadonnées</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Supprimer…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progression</translation>
    </message>
    <message>
        <source>Results of the last attach</source>
        <translation>Résultats du dernier ajout de fichiers</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Aperçu</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>Joindre des fichiers</translation>
    </message>
    <message>
        <source>Attach and delete the originals</source>
        <translation>Joindre et supprimer les originaux</translation>
    </message>
    <message>
        <source>Each file is encrypted into the notebook, checked, and then its original is overwritten and deleted. This cannot be undone.

On SSDs, USB sticks and journaled file systems, overwriting is not guaranteed to remove every trace of the original.</source>
        <translation>Chaque fichier est chiffré dans le carnet, vérifié, puis son original est écrasé et supprimé. Cette opération est irréversible.

Sur les disques SSD, les clés USB et les systèmes de fichiers journalisés, l&apos;écrasement ne garantit pas la suppression de toute trace de l&apos;original.</translation>
    </message>
    <message>
        <source>Attach and delete</source>
        <translation>Joindre et supprimer</translation>
    </message>
    <message>
        <source>No preview</source>
        <translation>Aucun aperçu</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>Save a copy as</source>
        <translation>Enregistrer une copie sous</translation>
    </message>
    <message>
        <source>Saved a copy: {name}</source>
        <translation>Copie enregistrée&#xa0;: {name}</translation>
    </message>
    <message>
        <source>Made a copy without metadata: {name}</source>
        <translation>Copie sans métadonnées créée&#xa0;: {name}</translation>
    </message>
    <message>
        <source>Delete this file from the notebook? Its stripped copy, if any, is deleted too. This cannot be undone.</source>
        <translation>Supprimer ce fichier du carnet&#xa0;? Sa copie sans métadonnées, s&apos;il y en a une, est également supprimée. Cette opération est irréversible.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation>{done} sur {total}</translation>
    </message>
    <message>
        <source>{name}: failed: {reason}</source>
        <translation>{name}&#xa0;: échec&#xa0;: {reason}</translation>
    </message>
    <message>
        <source>{name}: attached; the original was deleted</source>
        <translation>{name}&#xa0;: joint&#xa0;; l&apos;original a été supprimé</translation>
    </message>
    <message>
        <source>{name}: attached; the original was kept: {reason}</source>
        <translation>{name}&#xa0;: joint&#xa0;; l&apos;original a été conservé&#xa0;: {reason}</translation>
    </message>
    <message>
        <source>{name}: attached</source>
        <translation>{name}&#xa0;: joint</translation>
    </message>
    <message>
        <source>A day 2024-03-05, a month 2024-03 or a year 2024. Put ~ in front if it is approximate (~2024-03); FROM..TO for a span (2024-03-01..2024-04). Leave empty if unknown.</source>
        <translation>Un jour 2024-03-05, un mois 2024-03 ou une année 2024. Ajoutez ~ devant si la date est approximative (~2024-03)&#xa0;; DÉBUT..FIN pour une période (2024-03-01..2024-04). Laissez vide si la date est inconnue.</translation>
    </message>
    <message>
        <source>A day, written 2024-03-05. Leave empty if unknown.</source>
        <translation>Un jour, au format 2024-03-05. Laissez vide si la date est inconnue.</translation>
    </message>
    <message>
        <source>{level}: {organisations}</source>
        <translation>{level}&#xa0;: {organisations}</translation>
    </message>
    <message>
        <source>{consent} ({date})</source>
        <translation>{consent} ({date})</translation>
    </message>
    <message>
        <source>Consent</source>
        <translation>Consentement</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Organisations the consent covers</source>
        <translation>Organisations couvertes par le consentement</translation>
    </message>
    <message>
        <source>Names separated by commas</source>
        <translation>Noms séparés par des virgules</translation>
    </message>
    <message>
        <source>Consent date</source>
        <translation>Date du consentement</translation>
    </message>
    <message>
        <source>Consent note</source>
        <translation>Note sur le consentement</translation>
    </message>
    <message>
        <source>C&amp;onsent</source>
        <translation>&amp;Consentement</translation>
    </message>
    <message>
        <source>Or&amp;ganisations</source>
        <translation>&amp;Organisations</translation>
    </message>
    <message>
        <source>Consent &amp;date</source>
        <translation>&amp;Date du consentement</translation>
    </message>
    <message>
        <source>A day, written 2024-03-05; empty means today.</source>
        <translation>Un jour, au format 2024-03-05&#xa0;; laissez vide pour aujourd&apos;hui.</translation>
    </message>
    <message>
        <source>Consent no&amp;te</source>
        <translation>&amp;Note sur le consentement</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Lieu</translation>
    </message>
    <message>
        <source>Coordinates</source>
        <translation>Coordonnées</translation>
    </message>
    <message>
        <source>latitude, longitude (optional)</source>
        <translation>latitude, longitude (facultatif)</translation>
    </message>
    <message>
        <source>Sensitivity</source>
        <translation>Sensibilité</translation>
    </message>
    <message>
        <source>Violations</source>
        <translation>Violations</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Étiquettes</translation>
    </message>
    <message>
        <source>Separated by commas</source>
        <translation>Séparées par des virgules</translation>
    </message>
    <message>
        <source>Narrative</source>
        <translation>Récit</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Enregistrer</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>Enregistrer (Ctrl+S)</translation>
    </message>
    <message>
        <source>&amp;Revert</source>
        <translation>&amp;Annuler les modifications</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Annuler les modifications</translation>
    </message>
    <message>
        <source>&amp;Delete incident…</source>
        <translation>S&amp;upprimer l&apos;incident…</translation>
    </message>
    <message>
        <source>Delete incident</source>
        <translation>Supprimer l&apos;incident</translation>
    </message>
    <message>
        <source>Choose an incident in the list, or add one.</source>
        <translation>Choisissez un incident dans la liste, ou ajoutez-en un.</translation>
    </message>
    <message>
        <source>&amp;Title</source>
        <translation>&amp;Titre</translation>
    </message>
    <message>
        <source>D&amp;ate</source>
        <translation>&amp;Date</translation>
    </message>
    <message>
        <source>&amp;Location</source>
        <translation>&amp;Lieu</translation>
    </message>
    <message>
        <source>C&amp;ountry</source>
        <translation>&amp;Pays</translation>
    </message>
    <message>
        <source>Coord&amp;inates</source>
        <translation>C&amp;oordonnées</translation>
    </message>
    <message>
        <source>Stat&amp;us</source>
        <translation>&amp;Statut</translation>
    </message>
    <message>
        <source>Sensiti&amp;vity</source>
        <translation>Sensi&amp;bilité</translation>
    </message>
    <message>
        <source>Vio&amp;lations</source>
        <translation>&amp;Violations</translation>
    </message>
    <message>
        <source>Ta&amp;gs</source>
        <translation>Éti&amp;quettes</translation>
    </message>
    <message>
        <source>&amp;Narrative</source>
        <translation>&amp;Récit</translation>
    </message>
    <message>
        <source>Delete this incident, its people links, interventions and evidence files? This cannot be undone.</source>
        <translation>Supprimer cet incident, ses liens avec des personnes, ses interventions et ses fichiers de preuves&#xa0;? Cette opération est irréversible.</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Acteur</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Interventions for this incident</source>
        <translation>Interventions pour cet incident</translation>
    </message>
    <message>
        <source>&amp;Add an intervention</source>
        <translation>A&amp;jouter une intervention</translation>
    </message>
    <message>
        <source>Add an intervention</source>
        <translation>Ajouter une intervention</translation>
    </message>
    <message>
        <source>&amp;Delete intervention…</source>
        <translation>S&amp;upprimer l&apos;intervention…</translation>
    </message>
    <message>
        <source>Delete intervention</source>
        <translation>Supprimer l&apos;intervention</translation>
    </message>
    <message>
        <source>Who acted, e.g. an organisation or a UN mandate</source>
        <translation>Qui a agi, par exemple une organisation ou un mandat de l&apos;ONU</translation>
    </message>
    <message>
        <source>Kind of intervention</source>
        <translation>Type d&apos;intervention</translation>
    </message>
    <message>
        <source>Status of the intervention</source>
        <translation>Statut de l&apos;intervention</translation>
    </message>
    <message>
        <source>Date of the intervention</source>
        <translation>Date de l&apos;intervention</translation>
    </message>
    <message>
        <source>Notes about the intervention</source>
        <translation>Notes sur l&apos;intervention</translation>
    </message>
    <message>
        <source>A&amp;ctor</source>
        <translation>A&amp;cteur</translation>
    </message>
    <message>
        <source>&amp;Kind</source>
        <translation>&amp;Type</translation>
    </message>
    <message>
        <source>S&amp;tatus</source>
        <translation>&amp;Statut</translation>
    </message>
    <message>
        <source>Dat&amp;e</source>
        <translation>&amp;Date</translation>
    </message>
    <message>
        <source>&amp;Notes</source>
        <translation>&amp;Notes</translation>
    </message>
    <message>
        <source>Choose an intervention in the list, or add one.</source>
        <translation>Choisissez une intervention dans la liste, ou ajoutez-en une.</translation>
    </message>
    <message>
        <source>Save intervention</source>
        <translation>Enregistrer l&apos;intervention</translation>
    </message>
    <message>
        <source>Revert intervention</source>
        <translation>Annuler les modifications de l&apos;intervention</translation>
    </message>
    <message>
        <source>This intervention&apos;s changes are not saved. Discard them?</source>
        <translation>Les modifications de cette intervention ne sont pas enregistrées. Les abandonner&#xa0;?</translation>
    </message>
    <message>
        <source>Delete this intervention from the notebook? This cannot be undone.</source>
        <translation>Supprimer cette intervention du carnet&#xa0;? C&apos;est irréversible.</translation>
    </message>
    <message>
        <source>People linked to this incident</source>
        <translation>Personnes liées à cet incident</translation>
    </message>
    <message>
        <source>&amp;Add a person</source>
        <translation>A&amp;jouter une personne</translation>
    </message>
    <message>
        <source>Add a person</source>
        <translation>Ajouter une personne</translation>
    </message>
    <message>
        <source>&amp;Unlink…</source>
        <translation>Dé&amp;lier…</translation>
    </message>
    <message>
        <source>Unlink</source>
        <translation>Délier</translation>
    </message>
    <message>
        <source>Save person</source>
        <translation>Enregistrer la personne</translation>
    </message>
    <message>
        <source>Revert person</source>
        <translation>Annuler les modifications de la personne</translation>
    </message>
    <message>
        <source>Choose a person in the list, or add one.</source>
        <translation>Choisissez une personne dans la liste, ou ajoutez-en une.</translation>
    </message>
    <message>
        <source>Person and consent</source>
        <translation>Personne et consentement</translation>
    </message>
    <message>
        <source>This person&apos;s changes are not saved. Discard them?</source>
        <translation>Les modifications de cette personne ne sont pas enregistrées. Les abandonner&#xa0;?</translation>
    </message>
    <message>
        <source>This person already has this role in this incident.</source>
        <translation>Cette personne a déjà ce rôle dans cet incident.</translation>
    </message>
    <message>
        <source>Remove this person from this incident? The person stays in the notebook and in their other incidents.</source>
        <translation>Retirer cette personne de cet incident&#xa0;? Elle reste dans le carnet et dans ses autres incidents.</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Personne</translation>
    </message>
    <message>
        <source>Kind of person</source>
        <translation>Type de personne</translation>
    </message>
    <message>
        <source>Notes about the person</source>
        <translation>Notes sur la personne</translation>
    </message>
    <message>
        <source>Role in this incident</source>
        <translation>Rôle dans cet incident</translation>
    </message>
    <message>
        <source>The name, kind and notes are the person&apos;s own: a change shows in every incident they are linked to.</source>
        <translation>Le nom, le type et les notes appartiennent à la personne&#xa0;: une modification apparaît dans chaque incident auquel elle est liée.</translation>
    </message>
    <message>
        <source>&amp;Person</source>
        <translation>&amp;Personne</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>No&amp;m</translation>
    </message>
    <message>
        <source>Ro&amp;le</source>
        <translation>&amp;Rôle</translation>
    </message>
    <message>
        <source>New person</source>
        <translation>Nouvelle personne</translation>
    </message>
    <message>
        <source>{name} ({kind})</source>
        <translation>{name} ({kind})</translation>
    </message>
</context>
<context>
    <name>CustodyView</name>
    <message numerus="yes">
        <source>%n entries verified, the chain is intact</source>
        <translation>
            <numerusform>%n entrée vérifiée, la chaîne est intacte</numerusform>
            <numerusform>%n entrées vérifiées, la chaîne est intacte</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n minute</numerusform>
            <numerusform>%n minutes</numerusform>
        </translation>
    </message>
</context>
</TS>
