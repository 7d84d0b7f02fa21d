<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name></name>
    <message>
        <source>Save the recovery key</source>
        <translation>حفظ مفتاح الاسترداد</translation>
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
        <translation>لم يعد هذا الحاسوب يحتفظ بجزء المفتاح الذي يحتاجه هذا الدفتر. استخدم مفتاح الاسترداد لفتحه.</translation>
    </message>
    <message>
        <source>Please check what you typed: {detail}</source>
        <translation>يُرجى التحقق مما كتبته: ⁨{detail}⁩</translation>
    </message>
    <message>
        <source>There is no notebook here, or it is damaged.</source>
        <translation>لا يوجد دفتر هنا، أو أنه تالف.</translation>
    </message>
    <message>
        <source>It is no longer there: it may have been deleted.</source>
        <translation>لم يعد موجودًا: ربما حُذف.</translation>
    </message>
    <message>
        <source>A check failed: this data has been changed or damaged. {detail}</source>
        <translation>فشل أحد الفحوص: هذه البيانات عُدِّلت أو تلفت. ⁨{detail}⁩</translation>
    </message>
    <message>
        <source>Cancelled. Nothing was changed.</source>
        <translation>أُلغيت العملية. لم يتغير شيء.</translation>
    </message>
    <message>
        <source>The wipe did not finish: {detail}</source>
        <translation>لم يكتمل المسح: ⁨{detail}⁩</translation>
    </message>
    <message>
        <source>The disk refused the change (is it full or read-only?). Nothing was changed.</source>
        <translation>رفض القرص التغيير (هل هو ممتلئ أم للقراءة فقط؟). لم يتغير شيء.</translation>
    </message>
    <message>
        <source>Sending failed: {detail}</source>
        <translation>فشل الإرسال: ⁨{detail}⁩</translation>
    </message>
    <message>
        <source>This could not be done: {detail}</source>
        <translation>تعذّر تنفيذ ذلك: ⁨{detail}⁩</translation>
    </message>
    <message>
        <source>The notebook&apos;s database reported an error. Nothing was changed.</source>
        <translation>أبلغت قاعدة بيانات الدفتر عن خطأ. لم يتغير شيء.</translation>
    </message>
    <message>
        <source>Something unexpected went wrong. Nothing more is shown, to protect your data.</source>
        <translation>حدث خطأ غير متوقع. لا يُعرض أي شيء آخر، حمايةً لبياناتك.</translation>
    </message>
    <message>
        <source>Carnet could not open the notebook with this passphrase.</source>
        <translation>تعذّر على Carnet فتح الدفتر بعبارة المرور هذه.</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>الرقم</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>العنوان</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>التاريخ</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>البلد</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>آخر تحديث</translation>
    </message>
    <message>
        <source>Search titles, narratives, places, people, tags</source>
        <translation>ابحث في العناوين والسرد والأماكن والأشخاص والوسوم</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>بحث</translation>
    </message>
    <message>
        <source>Violation</source>
        <translation>الانتهاك</translation>
    </message>
    <message>
        <source>From date</source>
        <translation>تاريخ البداية</translation>
    </message>
    <message>
        <source>To date</source>
        <translation>تاريخ النهاية</translation>
    </message>
    <message>
        <source>From</source>
        <translation>من</translation>
    </message>
    <message>
        <source>To</source>
        <translation>إلى</translation>
    </message>
    <message>
        <source>Search problem</source>
        <translation>مشكلة في البحث</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>الحوادث</translation>
    </message>
    <message>
        <source>{name}: any</source>
        <translation>{name}: الكل</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>الحادثة</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>التفاصيل</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>الوقت</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>الإجراء</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>العنصر</translation>
    </message>
    <message>
        <source>People</source>
        <translation>الأشخاص</translation>
    </message>
    <message>
        <source>Interventions</source>
        <translation>التدخلات</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>الأدلة</translation>
    </message>
    <message>
        <source>Custody</source>
        <translation>سلسلة العهدة</translation>
    </message>
    <message>
        <source>The incident has changes that are not saved. Discard them?</source>
        <translation>في الحادثة تغييرات لم تُحفظ. هل تريد التخلي عنها؟</translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation>التخلي عن التغييرات</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>جارٍ العمل</translation>
    </message>
    <message>
        <source>Passphrase strength</source>
        <translation>قوة عبارة المرور</translation>
    </message>
    <message>
        <source>Hint: very easy to guess. Add more unusual words.</source>
        <translation>تلميح: سهلة التخمين جدًا. أضف مزيدًا من الكلمات غير المألوفة.</translation>
    </message>
    <message>
        <source>Hint: easy to guess. Add more unusual words.</source>
        <translation>تلميح: سهلة التخمين. أضف مزيدًا من الكلمات غير المألوفة.</translation>
    </message>
    <message>
        <source>Hint: could be stronger. A few more words would help.</source>
        <translation>تلميح: يمكن أن تكون أقوى. بضع كلمات إضافية ستفيد.</translation>
    </message>
    <message>
        <source>Hint: strong.</source>
        <translation>تلميح: قوية.</translation>
    </message>
    <message>
        <source>Hint: very strong.</source>
        <translation>تلميح: قوية جدًا.</translation>
    </message>
    <message>
        <source>Choose your language</source>
        <translation>اختر لغتك</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>اللغة</translation>
    </message>
    <message>
        <source>You can change it later in Settings.</source>
        <translation>يمكنك تغييرها لاحقًا من الإعدادات.</translation>
    </message>
    <message>
        <source>Choose a passphrase</source>
        <translation>اختر عبارة مرور</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>عبارة المرور</translation>
    </message>
    <message>
        <source>Passphrase again</source>
        <translation>عبارة المرور (تأكيد)</translation>
    </message>
    <message>
        <source>Passphrase problem</source>
        <translation>مشكلة في عبارة المرور</translation>
    </message>
    <message>
        <source>Again</source>
        <translation>تأكيد</translation>
    </message>
    <message>
        <source>It protects everything in the notebook. Use at least {n} characters: several unusual words are easier to remember and harder to guess. If you forget it, only the recovery key can open the notebook.</source>
        <translation>تحمي هذه العبارة كل ما في الدفتر. يجب ألا يقل عدد أحرفها عن {n}: عدة كلمات غير مألوفة أسهل في التذكر وأصعب في التخمين. إن نسيتها، فلن يفتح الدفتر إلا مفتاح الاسترداد.</translation>
    </message>
    <message>
        <source>At least {n} characters.</source>
        <translation>يجب ألا يقل عدد الأحرف عن {n}.</translation>
    </message>
    <message>
        <source>The two passphrases are not the same.</source>
        <translation>عبارتا المرور غير متطابقتين.</translation>
    </message>
    <message>
        <source>This computer&apos;s keyring will hold one part of the key. Someone who copies the notebook to another computer cannot open it even with your passphrase; on a new computer you will need the recovery key.</source>
        <translation>ستحتفظ حلقة المفاتيح في هذا الحاسوب بجزء من المفتاح. من ينسخ الدفتر إلى حاسوب آخر لا يستطيع فتحه حتى بعبارة المرور الخاصة بك؛ وعلى حاسوب جديد ستحتاج إلى مفتاح الاسترداد.</translation>
    </message>
    <message>
        <source>This computer has no keyring Carnet can use, so the passphrase alone opens the notebook. Choose a long one.</source>
        <translation>لا توجد في هذا الحاسوب حلقة مفاتيح يستطيع Carnet استخدامها، لذا فإن عبارة المرور وحدها تفتح الدفتر. اختر عبارة طويلة.</translation>
    </message>
    <message>
        <source>Safety options (you can skip them)</source>
        <translation>خيارات الأمان (يمكنك تخطيها)</translation>
    </message>
    <message>
        <source>Set a duress passphrase</source>
        <translation>تعيين عبارة مرور للإكراه</translation>
    </message>
    <message>
        <source>Duress passphrase</source>
        <translation>عبارة مرور الإكراه</translation>
    </message>
    <message>
        <source>Duress passphrase again</source>
        <translation>عبارة مرور الإكراه (تأكيد)</translation>
    </message>
    <message>
        <source>Wipe the notebook after failed unlocks</source>
        <translation>مسح الدفتر بعد محاولات فتح فاشلة</translation>
    </message>
    <message>
        <source>Failed unlocks before the wipe</source>
        <translation>عدد المحاولات الفاشلة قبل المسح</translation>
    </message>
    <message>
        <source>If someone forces you to unlock, type the duress passphrase instead. Carnet then erases everything in the notebook, without any sign, and opens an empty notebook. What was erased cannot be brought back.</source>
        <translation>إذا أجبرك أحد على فتح الدفتر، فاكتب عبارة مرور الإكراه بدلًا من عبارة المرور. عندئذٍ يمسح Carnet كل ما في الدفتر دون أي علامة تدل على ذلك، ويفتح دفترًا فارغًا. لا يمكن استعادة ما مُسح.</translation>
    </message>
    <message>
        <source>After this many wrong passphrases in a row, Carnet erases the notebook. A person guessing cannot try for long, but neither can you: keep your recovery key safe.</source>
        <translation>بعد هذا العدد من عبارات المرور الخاطئة المتتالية، يمسح Carnet الدفتر. لن يستطيع من يحاول التخمين الاستمرار طويلًا، ولن تستطيع أنت أيضًا: احتفظ بمفتاح الاسترداد في مكان آمن.</translation>
    </message>
    <message>
        <source>Failed unlocks</source>
        <translation>المحاولات الفاشلة</translation>
    </message>
    <message>
        <source>The duress passphrase must differ from your passphrase.</source>
        <translation>يجب أن تختلف عبارة مرور الإكراه عن عبارة المرور الخاصة بك.</translation>
    </message>
    <message>
        <source>Creating your notebook</source>
        <translation>جارٍ إنشاء دفترك</translation>
    </message>
    <message>
        <source>Deriving the key from your passphrase…</source>
        <translation>جارٍ حساب المفتاح من عبارة المرور…</translation>
    </message>
    <message>
        <source>Your recovery key</source>
        <translation>مفتاح الاسترداد الخاص بك</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>مفتاح الاسترداد</translation>
    </message>
    <message>
        <source>Save to file…</source>
        <translation>حفظ في ملف…</translation>
    </message>
    <message>
        <source>Save the recovery key to a file</source>
        <translation>حفظ مفتاح الاسترداد في ملف</translation>
    </message>
    <message>
        <source>Group to retype</source>
        <translation>المجموعة المطلوب إعادة كتابتها</translation>
    </message>
    <message>
        <source>Write this key down on paper and keep it apart from this computer. It opens the notebook if you forget your passphrase or lose this computer. It is shown only now.</source>
        <translation>اكتب هذا المفتاح على ورقة واحفظه بعيدًا عن هذا الحاسوب. فهو يفتح الدفتر إذا نسيت عبارة المرور أو فقدت هذا الحاسوب. لا يُعرض إلا الآن.</translation>
    </message>
    <message>
        <source>To check you wrote it down, type group number {n}:</source>
        <translation>للتأكد من أنك كتبته، اكتب المجموعة رقم {n}:</translation>
    </message>
    <message>
        <source>Carnet — new notebook</source>
        <translation>Carnet — دفتر جديد</translation>
    </message>
    <message>
        <source>Your notebook is ready.</source>
        <translation>دفترك جاهز.</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>شريط الأدوات الرئيسي</translation>
    </message>
    <message>
        <source>New incident</source>
        <translation>حادثة جديدة</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>الإعدادات</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>قفل</translation>
    </message>
    <message>
        <source>The incident has changes that are not saved. Quit anyway?</source>
        <translation>في الحادثة تغييرات لم تُحفظ. هل تريد الخروج على أي حال؟</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>خروج</translation>
    </message>
    <message>
        <source>Carnet — recovery key</source>
        <translation>Carnet — مفتاح الاسترداد</translation>
    </message>
    <message>
        <source>This computer no longer holds the key part this notebook needs, so the passphrase alone cannot open it. Type your recovery key and choose a passphrase for this computer.</source>
        <translation>لم يعد هذا الحاسوب يحتفظ بجزء المفتاح الذي يحتاجه هذا الدفتر، لذا لا تستطيع عبارة المرور وحدها فتحه. اكتب مفتاح الاسترداد واختر عبارة مرور لهذا الحاسوب.</translation>
    </message>
    <message>
        <source>Type your recovery key and choose a new passphrase.</source>
        <translation>اكتب مفتاح الاسترداد واختر عبارة مرور جديدة.</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>عبارة المرور الجديدة</translation>
    </message>
    <message>
        <source>New passphrase again</source>
        <translation>عبارة المرور الجديدة (تأكيد)</translation>
    </message>
    <message>
        <source>Recover</source>
        <translation>استعادة الوصول</translation>
    </message>
    <message>
        <source>Carnet — settings</source>
        <translation>Carnet — الإعدادات</translation>
    </message>
    <message>
        <source>Lock after this long without use</source>
        <translation>القفل بعد هذه المدة من عدم الاستخدام</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>أبدًا</translation>
    </message>
    <message>
        <source>Lock when the screen locks</source>
        <translation>القفل عند قفل الشاشة</translation>
    </message>
    <message>
        <source>Lock when the computer sleeps</source>
        <translation>القفل عند دخول الحاسوب في وضع السكون</translation>
    </message>
    <message>
        <source>Lock when minimised</source>
        <translation>القفل عند تصغير النافذة</translation>
    </message>
    <message>
        <source> s</source>
        <translation> ث</translation>
    </message>
    <message>
        <source>Never clear</source>
        <translation>عدم المسح أبدًا</translation>
    </message>
    <message>
        <source>Clear copied text after</source>
        <translation>مسح النص المنسوخ بعد</translation>
    </message>
    <message>
        <source>Lock after</source>
        <translation>القفل بعد</translation>
    </message>
    <message>
        <source>{setting} (not available on this desktop)</source>
        <translation>{setting} (غير متاح على سطح المكتب هذا)</translation>
    </message>
    <message>
        <source>Carnet is locked</source>
        <translation>Carnet مقفل</translation>
    </message>
    <message>
        <source>Type your passphrase to open your notebook.</source>
        <translation>اكتب عبارة المرور لفتح دفترك.</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>فتح القفل</translation>
    </message>
    <message>
        <source>Use the recovery key</source>
        <translation>استخدام مفتاح الاسترداد</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>رسالة</translation>
    </message>
    <message>
        <source>Opening…</source>
        <translation>جارٍ الفتح…</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>الاسم</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>النوع</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>الحجم</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>تاريخ الإضافة</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>النسخة</translation>
    </message>
    <message>
        <source>stripped copy</source>
        <translation>نسخة دون بيانات وصفية</translation>
    </message>
    <message>
        <source>Custody log</source>
        <translation>سجل سلسلة العهدة</translation>
    </message>
    <message>
        <source>Whole notebook</source>
        <translation>الدفتر كله</translation>
    </message>
    <message>
        <source>Show the whole notebook&apos;s custody log</source>
        <translation>عرض سجل سلسلة العهدة للدفتر كله</translation>
    </message>
    <message>
        <source>Verify</source>
        <translation>تحقق</translation>
    </message>
    <message>
        <source>Verify the custody log</source>
        <translation>التحقق من سجل سلسلة العهدة</translation>
    </message>
    <message>
        <source>Verification progress</source>
        <translation>تقدّم التحقق</translation>
    </message>
    <message>
        <source>Verification result</source>
        <translation>نتيجة التحقق</translation>
    </message>
    <message>
        <source>Evidence files</source>
        <translation>ملفات الأدلة</translation>
    </message>
    <message>
        <source>Attach files…</source>
        <translation>إرفاق ملفات…</translation>
    </message>
    <message>
        <source>Attach and delete the originals…</source>
        <translation>إرفاق الملفات وحذف الأصول…</translation>
    </message>
    <message>
        <source>Save a copy as…</source>
        <translation>حفظ نسخة باسم…</translation>
    </message>
    <message>
        <source>Make a shareable copy without metadata</source>
        <translation>إنشاء نسخة قابلة للمشاركة دون بيانات وصفية</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>حذف…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>التقدّم</translation>
    </message>
    <message>
        <source>Results of the last attach</source>
        <translation>نتائج آخر إرفاق</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>المعاينة</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>إرفاق ملفات</translation>
    </message>
    <message>
        <source>Attach and delete the originals</source>
        <translation>إرفاق الملفات وحذف الأصول</translation>
    </message>
    <message>
        <source>Each file is encrypted into the notebook, checked, and then its original is overwritten and deleted. This cannot be undone.

On SSDs, USB sticks and journaled file systems, overwriting is not guaranteed to remove every trace of the original.</source>
        <translation>يُشفَّر كل ملف داخل الدفتر ويُتحقق منه، ثم يُكتب فوق الملف الأصلي ويُحذف. لا يمكن التراجع عن ذلك.

على أقراص SSD وذواكر USB وأنظمة الملفات ذات السجل (journaling)، لا تضمن الكتابة فوق الملف إزالة كل أثر للأصل.</translation>
    </message>
    <message>
        <source>Attach and delete</source>
        <translation>إرفاق وحذف</translation>
    </message>
    <message>
        <source>No preview</source>
        <translation>لا تتوفر معاينة</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>جارٍ التحميل…</translation>
    </message>
    <message>
        <source>Save a copy as</source>
        <translation>حفظ نسخة باسم</translation>
    </message>
    <message>
        <source>Saved a copy: {name}</source>
        <translation>حُفظت نسخة: ⁨{name}⁩</translation>
    </message>
    <message>
        <source>Made a copy without metadata: {name}</source>
        <translation>أُنشئت نسخة دون بيانات وصفية: ⁨{name}⁩</translation>
    </message>
    <message>
        <source>Delete this file from the notebook? Its stripped copy, if any, is deleted too. This cannot be undone.</source>
        <translation>هل تريد حذف هذا الملف من الدفتر؟ ستُحذف أيضًا نسخته الخالية من البيانات الوصفية إن وُجدت. لا يمكن التراجع عن ذلك.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>حذف</translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation>{done} من {total}</translation>
    </message>
    <message>
        <source>{name}: failed: {reason}</source>
        <translation>⁨{name}⁩: فشل: ⁨{reason}⁩</translation>
    </message>
    <message>
        <source>{name}: attached; the original was deleted</source>
        <translation>⁨{name}⁩: أُرفق؛ وحُذف الأصل</translation>
    </message>
    <message>
        <source>{name}: attached; the original was kept: {reason}</source>
        <translation>⁨{name}⁩: أُرفق؛ واحتُفظ بالأصل: ⁨{reason}⁩</translation>
    </message>
    <message>
        <source>{name}: attached</source>
        <translation>⁨{name}⁩: أُرفق</translation>
    </message>
    <message>
        <source>A day 2024-03-05, a month 2024-03 or a year 2024. Put ~ in front if it is approximate (~2024-03); FROM..TO for a span (2024-03-01..2024-04). Leave empty if unknown.</source>
        <translation>يوم 2024-03-05، أو شهر 2024-03، أو سنة 2024. ضع ~ قبله إذا كان تقريبيًا (~2024-03)؛ واكتب البداية..النهاية لفترة زمنية (2024-03-01..2024-04). اتركه فارغًا إذا كان مجهولًا.</translation>
    </message>
    <message>
        <source>A day, written 2024-03-05. Leave empty if unknown.</source>
        <translation>يوم بالصيغة 2024-03-05. اتركه فارغًا إذا كان مجهولًا.</translation>
    </message>
    <message>
        <source>{level}: {organisations}</source>
        <translation>{level}: {organisations}</translation>
    </message>
    <message>
        <source>{consent} ({date})</source>
        <translation>{consent} ({date})</translation>
    </message>
    <message>
        <source>Consent</source>
        <translation>الموافقة</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>الدور</translation>
    </message>
    <message>
        <source>Organisations the consent covers</source>
        <translation>المنظمات التي تشملها الموافقة</translation>
    </message>
    <message>
        <source>Names separated by commas</source>
        <translation>أسماء تفصل بينها فواصل</translation>
    </message>
    <message>
        <source>Consent date</source>
        <translation>تاريخ الموافقة</translation>
    </message>
    <message>
        <source>Consent note</source>
        <translation>ملاحظة عن الموافقة</translation>
    </message>
    <message>
        <source>C&amp;onsent</source>
        <translation>&amp;الموافقة</translation>
    </message>
    <message>
        <source>Or&amp;ganisations</source>
        <translation>المن&amp;ظمات</translation>
    </message>
    <message>
        <source>Consent &amp;date</source>
        <translation>&amp;تاريخ الموافقة</translation>
    </message>
    <message>
        <source>A day, written 2024-03-05; empty means today.</source>
        <translation>يوم بالصيغة 2024-03-05؛ إذا تُرك فارغًا فهو اليوم.</translation>
    </message>
    <message>
        <source>Consent no&amp;te</source>
        <translation>&amp;ملاحظة عن الموافقة</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>المكان</translation>
    </message>
    <message>
        <source>Coordinates</source>
        <translation>الإحداثيات</translation>
    </message>
    <message>
        <source>latitude, longitude (optional)</source>
        <translation>خط العرض، خط الطول (اختياري)</translation>
    </message>
    <message>
        <source>Sensitivity</source>
        <translation>درجة الحساسية</translation>
    </message>
    <message>
        <source>Violations</source>
        <translation>الانتهاكات</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>الوسوم</translation>
    </message>
    <message>
        <source>Separated by commas</source>
        <translation>تفصل بينها فواصل</translation>
    </message>
    <message>
        <source>Narrative</source>
        <translation>السرد</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;حفظ</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>حفظ</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>حفظ (Ctrl+S)</translation>
    </message>
    <message>
        <source>&amp;Revert</source>
        <translation>ا&amp;سترجاع المحفوظ</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>استرجاع المحفوظ</translation>
    </message>
    <message>
        <source>&amp;Delete incident…</source>
        <translation>حذ&amp;ف الحادثة…</translation>
    </message>
    <message>
        <source>Delete incident</source>
        <translation>حذف الحادثة</translation>
    </message>
    <message>
        <source>Choose an incident in the list, or add one.</source>
        <translation>اختر حادثة من القائمة، أو أضف حادثة.</translation>
    </message>
    <message>
        <source>&amp;Title</source>
        <translation>ال&amp;عنوان</translation>
    </message>
    <message>
        <source>D&amp;ate</source>
        <translation>ال&amp;تاريخ</translation>
    </message>
    <message>
        <source>&amp;Location</source>
        <translation>ال&amp;مكان</translation>
    </message>
    <message>
        <source>C&amp;ountry</source>
        <translation>ال&amp;بلد</translation>
    </message>
    <message>
        <source>Coord&amp;inates</source>
        <translation>الإحدا&amp;ثيات</translation>
    </message>
    <message>
        <source>Stat&amp;us</source>
        <translation>الحا&amp;لة</translation>
    </message>
    <message>
        <source>Sensiti&amp;vity</source>
        <translation>&amp;درجة الحساسية</translation>
    </message>
    <message>
        <source>Vio&amp;lations</source>
        <translation>الان&amp;تهاكات</translation>
    </message>
    <message>
        <source>Ta&amp;gs</source>
        <translation>ال&amp;وسوم</translation>
    </message>
    <message>
        <source>&amp;Narrative</source>
        <translation>ال&amp;سرد</translation>
    </message>
    <message>
        <source>Delete this incident, its people links, interventions and evidence files? This cannot be undone.</source>
        <translation>هل تريد حذف هذه الحادثة وروابطها بالأشخاص وتدخلاتها وملفات الأدلة الخاصة بها؟ لا يمكن التراجع عن ذلك.</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(لا شيء)</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>الجهة الفاعلة</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>النوع</translation>
    </message>
    <message>
        <source>Interventions for this incident</source>
        <translation>التدخلات الخاصة بهذه الحادثة</translation>
    </message>
    <message>
        <source>&amp;Add an intervention</source>
        <translation>إ&amp;ضافة تدخل</translation>
    </message>
    <message>
        <source>Add an intervention</source>
        <translation>إضافة تدخل</translation>
    </message>
    <message>
        <source>&amp;Delete intervention…</source>
        <translation>حذ&amp;ف التدخل…</translation>
    </message>
    <message>
        <source>Delete intervention</source>
        <translation>حذف التدخل</translation>
    </message>
    <message>
        <source>Who acted, e.g. an organisation or a UN mandate</source>
        <translation>من قام بالتدخل، مثل منظمة أو ولاية أممية</translation>
    </message>
    <message>
        <source>Kind of intervention</source>
        <translation>نوع التدخل</translation>
    </message>
    <message>
        <source>Status of the intervention</source>
        <translation>حالة التدخل</translation>
    </message>
    <message>
        <source>Date of the intervention</source>
        <translation>تاريخ التدخل</translation>
    </message>
    <message>
        <source>Notes about the intervention</source>
        <translation>ملاحظات عن التدخل</translation>
    </message>
    <message>
        <source>A&amp;ctor</source>
        <translation>ال&amp;جهة الفاعلة</translation>
    </message>
    <message>
        <source>&amp;Kind</source>
        <translation>ال&amp;نوع</translation>
    </message>
    <message>
        <source>S&amp;tatus</source>
        <translation>الحا&amp;لة</translation>
    </message>
    <message>
        <source>Dat&amp;e</source>
        <translation>ال&amp;تاريخ</translation>
    </message>
    <message>
        <source>&amp;Notes</source>
        <translation>&amp;ملاحظات</translation>
    </message>
    <message>
        <source>Choose an intervention in the list, or add one.</source>
        <translation>اختر تدخلًا من القائمة، أو أضف تدخلًا.</translation>
    </message>
    <message>
        <source>Save intervention</source>
        <translation>حفظ التدخل</translation>
    </message>
    <message>
        <source>Revert intervention</source>
        <translation>استرجاع التدخل المحفوظ</translation>
    </message>
    <message>
        <source>This intervention&apos;s changes are not saved. Discard them?</source>
        <translation>تغييرات هذا التدخل غير محفوظة. هل تريد التخلي عنها؟</translation>
    </message>
    <message>
        <source>Delete this intervention from the notebook? This cannot be undone.</source>
        <translation>هل تريد حذف هذا التدخل من الدفتر؟ لا يمكن التراجع عن ذلك.</translation>
    </message>
    <message>
        <source>People linked to this incident</source>
        <translation>الأشخاص المرتبطون بهذه الحادثة</translation>
    </message>
    <message>
        <source>&amp;Add a person</source>
        <translation>إ&amp;ضافة شخص</translation>
    </message>
    <message>
        <source>Add a person</source>
        <translation>إضافة شخص</translation>
    </message>
    <message>
        <source>&amp;Unlink…</source>
        <translation>إلغاء ال&amp;ربط…</translation>
    </message>
    <message>
        <source>Unlink</source>
        <translation>إلغاء الربط</translation>
    </message>
    <message>
        <source>Save person</source>
        <translation>حفظ الشخص</translation>
    </message>
    <message>
        <source>Revert person</source>
        <translation>استرجاع بيانات الشخص المحفوظة</translation>
    </message>
    <message>
        <source>Choose a person in the list, or add one.</source>
        <translation>اختر شخصًا من القائمة، أو أضف شخصًا.</translation>
    </message>
    <message>
        <source>Person and consent</source>
        <translation>الشخص والموافقة</translation>
    </message>
    <message>
        <source>This person&apos;s changes are not saved. Discard them?</source>
        <translation>تغييرات هذا الشخص غير محفوظة. هل تريد التخلي عنها؟</translation>
    </message>
    <message>
        <source>This person already has this role in this incident.</source>
        <translation>لهذا الشخص هذا الدور بالفعل في هذه الحادثة.</translation>
    </message>
    <message>
        <source>Remove this person from this incident? The person stays in the notebook and in their other incidents.</source>
        <translation>هل تريد إزالة هذا الشخص من هذه الحادثة؟ يبقى الشخص في الدفتر وفي حوادثه الأخرى.</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>الشخص</translation>
    </message>
    <message>
        <source>Kind of person</source>
        <translation>نوع الشخص</translation>
    </message>
    <message>
        <source>Notes about the person</source>
        <translation>ملاحظات عن الشخص</translation>
    </message>
    <message>
        <source>Role in this incident</source>
        <translation>الدور في هذه الحادثة</translation>
    </message>
    <message>
        <source>The name, kind and notes are the person&apos;s own: a change shows in every incident they are linked to.</source>
        <translation>الاسم والنوع والملاحظات خاصة بالشخص: يظهر أي تغيير فيها في كل حادثة يرتبط بها.</translation>
    </message>
    <message>
        <source>&amp;Person</source>
        <translation>ال&amp;شخص</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>ا&amp;لاسم</translation>
    </message>
    <message>
        <source>Ro&amp;le</source>
        <translation>ال&amp;دور</translation>
    </message>
    <message>
        <source>New person</source>
        <translation>شخص جديد</translation>
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
            <numerusform>تم التحقق من %n قيد، والسلسلة سليمة</numerusform>
            <numerusform>تم التحقق من %n قيد، والسلسلة سليمة</numerusform>
            <numerusform>تم التحقق من %n قيدين، والسلسلة سليمة</numerusform>
            <numerusform>تم التحقق من %n قيود، والسلسلة سليمة</numerusform>
            <numerusform>تم التحقق من %n قيدًا، والسلسلة سليمة</numerusform>
            <numerusform>تم التحقق من %n قيد، والسلسلة سليمة</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n دقيقة</numerusform>
            <numerusform>%n دقيقة</numerusform>
            <numerusform>%n دقيقتان</numerusform>
            <numerusform>%n دقائق</numerusform>
            <numerusform>%n دقيقة</numerusform>
            <numerusform>%n دقيقة</numerusform>
        </translation>
    </message>
</context>
</TS>
