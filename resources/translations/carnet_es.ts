<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es">
<context>
    <name></name>
    <message>
        <source>Save the recovery key</source>
        <translation>Guardar la clave de recuperación</translation>
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
        <translation>Este equipo ya no guarda la parte de la clave que necesita este cuaderno. Use la clave de recuperación para abrirlo.</translation>
    </message>
    <message>
        <source>Please check what you typed: {detail}</source>
        <translation>Revise lo que escribió: {detail}</translation>
    </message>
    <message>
        <source>There is no notebook here, or it is damaged.</source>
        <translation>Aquí no hay ningún cuaderno, o está dañado.</translation>
    </message>
    <message>
        <source>It is no longer there: it may have been deleted.</source>
        <translation>Ya no existe: es posible que se haya eliminado.</translation>
    </message>
    <message>
        <source>A check failed: this data has been changed or damaged. {detail}</source>
        <translation>Falló una verificación: estos datos se modificaron o están dañados. {detail}</translation>
    </message>
    <message>
        <source>Cancelled. Nothing was changed.</source>
        <translation>Cancelado. No se cambió nada.</translation>
    </message>
    <message>
        <source>The wipe did not finish: {detail}</source>
        <translation>El borrado no terminó: {detail}</translation>
    </message>
    <message>
        <source>The disk refused the change (is it full or read-only?). Nothing was changed.</source>
        <translation>El disco rechazó el cambio (¿está lleno o es de solo lectura?). No se cambió nada.</translation>
    </message>
    <message>
        <source>Sending failed: {detail}</source>
        <translation>El envío falló: {detail}</translation>
    </message>
    <message>
        <source>This could not be done: {detail}</source>
        <translation>No se pudo realizar: {detail}</translation>
    </message>
    <message>
        <source>The notebook&apos;s database reported an error. Nothing was changed.</source>
        <translation>La base de datos del cuaderno indicó un error. No se cambió nada.</translation>
    </message>
    <message>
        <source>Something unexpected went wrong. Nothing more is shown, to protect your data.</source>
        <translation>Ocurrió un error inesperado. No se muestra nada más, para proteger sus datos.</translation>
    </message>
    <message>
        <source>Carnet could not open the notebook with this passphrase.</source>
        <translation>Carnet no pudo abrir el cuaderno con esta frase de contraseña.</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>N.º</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Título</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>País</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Actualizado</translation>
    </message>
    <message>
        <source>Search titles, narratives, places, people, tags</source>
        <translation>Buscar en títulos, relatos, lugares, personas, etiquetas</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Buscar</translation>
    </message>
    <message>
        <source>Violation</source>
        <translation>Violación de derechos</translation>
    </message>
    <message>
        <source>From date</source>
        <translation>Fecha inicial</translation>
    </message>
    <message>
        <source>To date</source>
        <translation>Fecha final</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Desde</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Hasta</translation>
    </message>
    <message>
        <source>Search problem</source>
        <translation>Problema de búsqueda</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>Incidentes</translation>
    </message>
    <message>
        <source>{name}: any</source>
        <translation>{name}: cualquiera</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>AAAA-MM-DD</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>Incidente</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Detalles</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Fecha y hora</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Objeto</translation>
    </message>
    <message>
        <source>People</source>
        <translation>Personas</translation>
    </message>
    <message>
        <source>Interventions</source>
        <translation>Intervenciones</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>Pruebas</translation>
    </message>
    <message>
        <source>Custody</source>
        <translation>Cadena de custodia</translation>
    </message>
    <message>
        <source>The incident has changes that are not saved. Discard them?</source>
        <translation>El incidente tiene cambios sin guardar. ¿Descartarlos?</translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation>Descartar los cambios</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>Procesando</translation>
    </message>
    <message>
        <source>Passphrase strength</source>
        <translation>Solidez de la frase de contraseña</translation>
    </message>
    <message>
        <source>Hint: very easy to guess. Add more unusual words.</source>
        <translation>Sugerencia: muy fácil de adivinar. Agregue más palabras poco comunes.</translation>
    </message>
    <message>
        <source>Hint: easy to guess. Add more unusual words.</source>
        <translation>Sugerencia: fácil de adivinar. Agregue más palabras poco comunes.</translation>
    </message>
    <message>
        <source>Hint: could be stronger. A few more words would help.</source>
        <translation>Sugerencia: podría ser más sólida. Unas palabras más ayudarían.</translation>
    </message>
    <message>
        <source>Hint: strong.</source>
        <translation>Sugerencia: sólida.</translation>
    </message>
    <message>
        <source>Hint: very strong.</source>
        <translation>Sugerencia: muy sólida.</translation>
    </message>
    <message>
        <source>Choose your language</source>
        <translation>Elija su idioma</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>You can change it later in Settings.</source>
        <translation>Puede cambiarlo más tarde en Configuración.</translation>
    </message>
    <message>
        <source>Choose a passphrase</source>
        <translation>Elija una frase de contraseña</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Frase de contraseña</translation>
    </message>
    <message>
        <source>Passphrase again</source>
        <translation>Frase de contraseña (confirmación)</translation>
    </message>
    <message>
        <source>Passphrase problem</source>
        <translation>Problema con la frase de contraseña</translation>
    </message>
    <message>
        <source>Again</source>
        <translation>Confirmación</translation>
    </message>
    <message>
        <source>It protects everything in the notebook. Use at least {n} characters: several unusual words are easier to remember and harder to guess. If you forget it, only the recovery key can open the notebook.</source>
        <translation>Protege todo lo que hay en el cuaderno. Use al menos {n} caracteres: varias palabras poco comunes son más fáciles de recordar y más difíciles de adivinar. Si la olvida, solo la clave de recuperación podrá abrir el cuaderno.</translation>
    </message>
    <message>
        <source>At least {n} characters.</source>
        <translation>Al menos {n} caracteres.</translation>
    </message>
    <message>
        <source>The two passphrases are not the same.</source>
        <translation>Las dos frases de contraseña no coinciden.</translation>
    </message>
    <message>
        <source>This computer&apos;s keyring will hold one part of the key. Someone who copies the notebook to another computer cannot open it even with your passphrase; on a new computer you will need the recovery key.</source>
        <translation>El llavero de este equipo guardará una parte de la clave. Quien copie el cuaderno en otro equipo no podrá abrirlo ni siquiera con su frase de contraseña; en un equipo nuevo necesitará la clave de recuperación.</translation>
    </message>
    <message>
        <source>This computer has no keyring Carnet can use, so the passphrase alone opens the notebook. Choose a long one.</source>
        <translation>Este equipo no tiene un llavero que Carnet pueda usar, así que la frase de contraseña por sí sola abre el cuaderno. Elija una larga.</translation>
    </message>
    <message>
        <source>Safety options (you can skip them)</source>
        <translation>Opciones de seguridad (puede omitirlas)</translation>
    </message>
    <message>
        <source>Set a duress passphrase</source>
        <translation>Establecer una frase de contraseña de coacción</translation>
    </message>
    <message>
        <source>Duress passphrase</source>
        <translation>Frase de contraseña de coacción</translation>
    </message>
    <message>
        <source>Duress passphrase again</source>
        <translation>Frase de contraseña de coacción (confirmación)</translation>
    </message>
    <message>
        <source>Wipe the notebook after failed unlocks</source>
        <translation>Borrar el cuaderno tras intentos fallidos de desbloqueo</translation>
    </message>
    <message>
        <source>Failed unlocks before the wipe</source>
        <translation>Intentos fallidos antes del borrado</translation>
    </message>
    <message>
        <source>If someone forces you to unlock, type the duress passphrase instead. Carnet then erases everything in the notebook, without any sign, and opens an empty notebook. What was erased cannot be brought back.</source>
        <translation>Si alguien le obliga a desbloquear, escriba en su lugar la frase de contraseña de coacción. Carnet borra entonces todo lo que hay en el cuaderno, sin dejar ninguna señal, y abre un cuaderno vacío. Lo que se borró no se puede recuperar.</translation>
    </message>
    <message>
        <source>After this many wrong passphrases in a row, Carnet erases the notebook. A person guessing cannot try for long, but neither can you: keep your recovery key safe.</source>
        <translation>Tras esta cantidad de frases de contraseña incorrectas seguidas, Carnet borra el cuaderno. Quien intente adivinarla no podrá probar durante mucho tiempo, pero usted tampoco: guarde su clave de recuperación en un lugar seguro.</translation>
    </message>
    <message>
        <source>Failed unlocks</source>
        <translation>Intentos fallidos</translation>
    </message>
    <message>
        <source>The duress passphrase must differ from your passphrase.</source>
        <translation>La frase de contraseña de coacción debe ser distinta de su frase de contraseña.</translation>
    </message>
    <message>
        <source>Creating your notebook</source>
        <translation>Creando su cuaderno</translation>
    </message>
    <message>
        <source>Deriving the key from your passphrase…</source>
        <translation>Calculando la clave a partir de su frase de contraseña…</translation>
    </message>
    <message>
        <source>Your recovery key</source>
        <translation>Su clave de recuperación</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>Clave de recuperación</translation>
    </message>
    <message>
        <source>Save to file…</source>
        <translation>Guardar en un archivo…</translation>
    </message>
    <message>
        <source>Save the recovery key to a file</source>
        <translation>Guardar la clave de recuperación en un archivo</translation>
    </message>
    <message>
        <source>Group to retype</source>
        <translation>Grupo que debe volver a escribir</translation>
    </message>
    <message>
        <source>Write this key down on paper and keep it apart from this computer. It opens the notebook if you forget your passphrase or lose this computer. It is shown only now.</source>
        <translation>Anote esta clave en papel y guárdela lejos de este equipo. Abre el cuaderno si olvida su frase de contraseña o pierde este equipo. Solo se muestra ahora.</translation>
    </message>
    <message>
        <source>To check you wrote it down, type group number {n}:</source>
        <translation>Para comprobar que la anotó, escriba el grupo número {n}:</translation>
    </message>
    <message>
        <source>Carnet — new notebook</source>
        <translation>Carnet — nuevo cuaderno</translation>
    </message>
    <message>
        <source>Your notebook is ready.</source>
        <translation>Su cuaderno está listo.</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Barra de herramientas principal</translation>
    </message>
    <message>
        <source>New incident</source>
        <translation>Nuevo incidente</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Configuración</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Bloquear</translation>
    </message>
    <message>
        <source>The incident has changes that are not saved. Quit anyway?</source>
        <translation>El incidente tiene cambios sin guardar. ¿Salir de todos modos?</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <source>Carnet — recovery key</source>
        <translation>Carnet — clave de recuperación</translation>
    </message>
    <message>
        <source>This computer no longer holds the key part this notebook needs, so the passphrase alone cannot open it. Type your recovery key and choose a passphrase for this computer.</source>
        <translation>Este equipo ya no guarda la parte de la clave que necesita este cuaderno, por lo que la frase de contraseña por sí sola no puede abrirlo. Escriba su clave de recuperación y elija una frase de contraseña para este equipo.</translation>
    </message>
    <message>
        <source>Type your recovery key and choose a new passphrase.</source>
        <translation>Escriba su clave de recuperación y elija una nueva frase de contraseña.</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>Nueva frase de contraseña</translation>
    </message>
    <message>
        <source>New passphrase again</source>
        <translation>Nueva frase de contraseña (confirmación)</translation>
    </message>
    <message>
        <source>Recover</source>
        <translation>Recuperar el acceso</translation>
    </message>
    <message>
        <source>Carnet — settings</source>
        <translation>Carnet — configuración</translation>
    </message>
    <message>
        <source>Lock after this long without use</source>
        <translation>Bloquear tras este tiempo sin uso</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nunca</translation>
    </message>
    <message>
        <source>Lock when the screen locks</source>
        <translation>Bloquear cuando se bloquee la pantalla</translation>
    </message>
    <message>
        <source>Lock when the computer sleeps</source>
        <translation>Bloquear cuando el equipo entre en suspensión</translation>
    </message>
    <message>
        <source>Lock when minimised</source>
        <translation>Bloquear al minimizar la ventana</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Never clear</source>
        <translation>No borrar nunca</translation>
    </message>
    <message>
        <source>Clear copied text after</source>
        <translation>Borrar el texto copiado tras</translation>
    </message>
    <message>
        <source>Lock after</source>
        <translation>Bloquear tras</translation>
    </message>
    <message>
        <source>{setting} (not available on this desktop)</source>
        <translation>{setting} (no disponible en este escritorio)</translation>
    </message>
    <message>
        <source>Carnet is locked</source>
        <translation>Carnet está bloqueado</translation>
    </message>
    <message>
        <source>Type your passphrase to open your notebook.</source>
        <translation>Escriba su frase de contraseña para abrir su cuaderno.</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Desbloquear</translation>
    </message>
    <message>
        <source>Use the recovery key</source>
        <translation>Usar la clave de recuperación</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Mensaje</translation>
    </message>
    <message>
        <source>Opening…</source>
        <translation>Abriendo…</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Agregado</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copia</translation>
    </message>
    <message>
        <source>stripped copy</source>
        <translation>copia sin metadatos</translation>
    </message>
    <message>
        <source>Custody log</source>
        <translation>Registro de la cadena de custodia</translation>
    </message>
    <message>
        <source>Whole notebook</source>
        <translation>Todo el cuaderno</translation>
    </message>
    <message>
        <source>Show the whole notebook&apos;s custody log</source>
        <translation>Mostrar el registro de la cadena de custodia de todo el cuaderno</translation>
    </message>
    <message>
        <source>Verify</source>
        <translation>Verificar</translation>
    </message>
    <message>
        <source>Verify the custody log</source>
        <translation>Verificar el registro de la cadena de custodia</translation>
    </message>
    <message>
        <source>Verification progress</source>
        <translation>Progreso de la verificación</translation>
    </message>
    <message>
        <source>Verification result</source>
        <translation>Resultado de la verificación</translation>
    </message>
    <message>
        <source>Evidence files</source>
        <translation>Archivos de pruebas</translation>
    </message>
    <message>
        <source>Attach files…</source>
        <translation>Adjuntar archivos…</translation>
    </message>
    <message>
        <source>Attach and delete the originals…</source>
        <translation>Adjuntar y eliminar los originales…</translation>
    </message>
    <message>
        <source>Save a copy as…</source>
        <translation>Guardar una copia como…</translation>
    </message>
    <message>
        <source>Make a shareable copy without metadata</source>
        <translation>Crear una copia para compartir sin metadatos</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Eliminar…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progreso</translation>
    </message>
    <message>
        <source>Results of the last attach</source>
        <translation>Resultados del último adjunto</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vista previa</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>Adjuntar archivos</translation>
    </message>
    <message>
        <source>Attach and delete the originals</source>
        <translation>Adjuntar y eliminar los originales</translation>
    </message>
    <message>
        <source>Each file is encrypted into the notebook, checked, and then its original is overwritten and deleted. This cannot be undone.

On SSDs, USB sticks and journaled file systems, overwriting is not guaranteed to remove every trace of the original.</source>
        <translation>Cada archivo se cifra dentro del cuaderno y se verifica; después, su original se sobrescribe y se elimina. Esto no se puede deshacer.

En unidades SSD, memorias USB y sistemas de archivos con registro por diario, no se garantiza que la sobrescritura elimine todo rastro del original.</translation>
    </message>
    <message>
        <source>Attach and delete</source>
        <translation>Adjuntar y eliminar</translation>
    </message>
    <message>
        <source>No preview</source>
        <translation>Sin vista previa</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source>Save a copy as</source>
        <translation>Guardar una copia como</translation>
    </message>
    <message>
        <source>Saved a copy: {name}</source>
        <translation>Copia guardada: {name}</translation>
    </message>
    <message>
        <source>Made a copy without metadata: {name}</source>
        <translation>Se creó una copia sin metadatos: {name}</translation>
    </message>
    <message>
        <source>Delete this file from the notebook? Its stripped copy, if any, is deleted too. This cannot be undone.</source>
        <translation>¿Eliminar este archivo del cuaderno? Su copia sin metadatos, si la hay, también se eliminará. Esto no se puede deshacer.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation>{done} de {total}</translation>
    </message>
    <message>
        <source>{name}: failed: {reason}</source>
        <translation>{name}: falló: {reason}</translation>
    </message>
    <message>
        <source>{name}: attached; the original was deleted</source>
        <translation>{name}: adjuntado; se eliminó el original</translation>
    </message>
    <message>
        <source>{name}: attached; the original was kept: {reason}</source>
        <translation>{name}: adjuntado; se conservó el original: {reason}</translation>
    </message>
    <message>
        <source>{name}: attached</source>
        <translation>{name}: adjuntado</translation>
    </message>
    <message>
        <source>A day 2024-03-05, a month 2024-03 or a year 2024. Put ~ in front if it is approximate (~2024-03); FROM..TO for a span (2024-03-01..2024-04). Leave empty if unknown.</source>
        <translation>Un día 2024-03-05, un mes 2024-03 o un año 2024. Ponga ~ delante si es aproximada (~2024-03); INICIO..FIN para un período (2024-03-01..2024-04). Déjelo vacío si no la conoce.</translation>
    </message>
    <message>
        <source>A day, written 2024-03-05. Leave empty if unknown.</source>
        <translation>Un día, escrito 2024-03-05. Déjelo vacío si no lo conoce.</translation>
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
        <translation>Consentimiento</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>Organisations the consent covers</source>
        <translation>Organizaciones que abarca el consentimiento</translation>
    </message>
    <message>
        <source>Names separated by commas</source>
        <translation>Nombres separados por comas</translation>
    </message>
    <message>
        <source>Consent date</source>
        <translation>Fecha del consentimiento</translation>
    </message>
    <message>
        <source>Consent note</source>
        <translation>Nota sobre el consentimiento</translation>
    </message>
    <message>
        <source>C&amp;onsent</source>
        <translation>&amp;Consentimiento</translation>
    </message>
    <message>
        <source>Or&amp;ganisations</source>
        <translation>&amp;Organizaciones</translation>
    </message>
    <message>
        <source>Consent &amp;date</source>
        <translation>&amp;Fecha del consentimiento</translation>
    </message>
    <message>
        <source>A day, written 2024-03-05; empty means today.</source>
        <translation>Un día, escrito 2024-03-05; si lo deja vacío, se usa la fecha de hoy.</translation>
    </message>
    <message>
        <source>Consent no&amp;te</source>
        <translation>&amp;Nota sobre el consentimiento</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Lugar</translation>
    </message>
    <message>
        <source>Coordinates</source>
        <translation>Coordenadas</translation>
    </message>
    <message>
        <source>latitude, longitude (optional)</source>
        <translation>latitud, longitud (opcional)</translation>
    </message>
    <message>
        <source>Sensitivity</source>
        <translation>Sensibilidad</translation>
    </message>
    <message>
        <source>Violations</source>
        <translation>Violaciones de derechos</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Etiquetas</translation>
    </message>
    <message>
        <source>Separated by commas</source>
        <translation>Separadas por comas</translation>
    </message>
    <message>
        <source>Narrative</source>
        <translation>Relato</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Guardar</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Guardar</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>Guardar (Ctrl+S)</translation>
    </message>
    <message>
        <source>&amp;Revert</source>
        <translation>&amp;Deshacer los cambios</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Deshacer los cambios</translation>
    </message>
    <message>
        <source>&amp;Delete incident…</source>
        <translation>Eli&amp;minar el incidente…</translation>
    </message>
    <message>
        <source>Delete incident</source>
        <translation>Eliminar el incidente</translation>
    </message>
    <message>
        <source>Choose an incident in the list, or add one.</source>
        <translation>Elija un incidente de la lista o agregue uno.</translation>
    </message>
    <message>
        <source>&amp;Title</source>
        <translation>&amp;Título</translation>
    </message>
    <message>
        <source>D&amp;ate</source>
        <translation>&amp;Fecha</translation>
    </message>
    <message>
        <source>&amp;Location</source>
        <translation>&amp;Lugar</translation>
    </message>
    <message>
        <source>C&amp;ountry</source>
        <translation>&amp;País</translation>
    </message>
    <message>
        <source>Coord&amp;inates</source>
        <translation>&amp;Coordenadas</translation>
    </message>
    <message>
        <source>Stat&amp;us</source>
        <translation>&amp;Estado</translation>
    </message>
    <message>
        <source>Sensiti&amp;vity</source>
        <translation>&amp;Sensibilidad</translation>
    </message>
    <message>
        <source>Vio&amp;lations</source>
        <translation>&amp;Violaciones de derechos</translation>
    </message>
    <message>
        <source>Ta&amp;gs</source>
        <translation>Etiq&amp;uetas</translation>
    </message>
    <message>
        <source>&amp;Narrative</source>
        <translation>&amp;Relato</translation>
    </message>
    <message>
        <source>Delete this incident, its people links, interventions and evidence files? This cannot be undone.</source>
        <translation>¿Eliminar este incidente, sus vínculos con personas, sus intervenciones y sus archivos de pruebas? Esto no se puede deshacer.</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(ninguno)</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Actor</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Interventions for this incident</source>
        <translation>Intervenciones para este incidente</translation>
    </message>
    <message>
        <source>&amp;Add an intervention</source>
        <translation>&amp;Añadir una intervención</translation>
    </message>
    <message>
        <source>Add an intervention</source>
        <translation>Añadir una intervención</translation>
    </message>
    <message>
        <source>&amp;Delete intervention…</source>
        <translation>E&amp;liminar la intervención…</translation>
    </message>
    <message>
        <source>Delete intervention</source>
        <translation>Eliminar la intervención</translation>
    </message>
    <message>
        <source>Who acted, e.g. an organisation or a UN mandate</source>
        <translation>Quién actuó, por ejemplo una organización o un mandato de la ONU</translation>
    </message>
    <message>
        <source>Kind of intervention</source>
        <translation>Tipo de intervención</translation>
    </message>
    <message>
        <source>Status of the intervention</source>
        <translation>Estado de la intervención</translation>
    </message>
    <message>
        <source>Date of the intervention</source>
        <translation>Fecha de la intervención</translation>
    </message>
    <message>
        <source>Notes about the intervention</source>
        <translation>Notas sobre la intervención</translation>
    </message>
    <message>
        <source>A&amp;ctor</source>
        <translation>A&amp;ctor</translation>
    </message>
    <message>
        <source>&amp;Kind</source>
        <translation>&amp;Tipo</translation>
    </message>
    <message>
        <source>S&amp;tatus</source>
        <translation>&amp;Estado</translation>
    </message>
    <message>
        <source>Dat&amp;e</source>
        <translation>&amp;Fecha</translation>
    </message>
    <message>
        <source>&amp;Notes</source>
        <translation>&amp;Notas</translation>
    </message>
    <message>
        <source>Choose an intervention in the list, or add one.</source>
        <translation>Elija una intervención de la lista o añada una.</translation>
    </message>
    <message>
        <source>Save intervention</source>
        <translation>Guardar la intervención</translation>
    </message>
    <message>
        <source>Revert intervention</source>
        <translation>Deshacer los cambios de la intervención</translation>
    </message>
    <message>
        <source>This intervention&apos;s changes are not saved. Discard them?</source>
        <translation>Los cambios de esta intervención no están guardados. ¿Descartarlos?</translation>
    </message>
    <message>
        <source>Delete this intervention from the notebook? This cannot be undone.</source>
        <translation>¿Eliminar esta intervención del cuaderno? No se puede deshacer.</translation>
    </message>
    <message>
        <source>People linked to this incident</source>
        <translation>Personas vinculadas a este incidente</translation>
    </message>
    <message>
        <source>&amp;Add a person</source>
        <translation>&amp;Añadir una persona</translation>
    </message>
    <message>
        <source>Add a person</source>
        <translation>Añadir una persona</translation>
    </message>
    <message>
        <source>&amp;Unlink…</source>
        <translation>Des&amp;vincular…</translation>
    </message>
    <message>
        <source>Unlink</source>
        <translation>Desvincular</translation>
    </message>
    <message>
        <source>Save person</source>
        <translation>Guardar la persona</translation>
    </message>
    <message>
        <source>Revert person</source>
        <translation>Deshacer los cambios de la persona</translation>
    </message>
    <message>
        <source>Choose a person in the list, or add one.</source>
        <translation>Elija una persona de la lista o añada una.</translation>
    </message>
    <message>
        <source>Person and consent</source>
        <translation>Persona y consentimiento</translation>
    </message>
    <message>
        <source>This person&apos;s changes are not saved. Discard them?</source>
        <translation>Los cambios de esta persona no están guardados. ¿Descartarlos?</translation>
    </message>
    <message>
        <source>This person already has this role in this incident.</source>
        <translation>Esta persona ya tiene este rol en este incidente.</translation>
    </message>
    <message>
        <source>Remove this person from this incident? The person stays in the notebook and in their other incidents.</source>
        <translation>¿Quitar a esta persona de este incidente? La persona sigue en el cuaderno y en sus otros incidentes.</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Persona</translation>
    </message>
    <message>
        <source>Kind of person</source>
        <translation>Tipo de persona</translation>
    </message>
    <message>
        <source>Notes about the person</source>
        <translation>Notas sobre la persona</translation>
    </message>
    <message>
        <source>Role in this incident</source>
        <translation>Rol en este incidente</translation>
    </message>
    <message>
        <source>The name, kind and notes are the person&apos;s own: a change shows in every incident they are linked to.</source>
        <translation>El nombre, el tipo y las notas son de la persona: un cambio se ve en todos los incidentes a los que está vinculada.</translation>
    </message>
    <message>
        <source>&amp;Person</source>
        <translation>&amp;Persona</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>Nom&amp;bre</translation>
    </message>
    <message>
        <source>Ro&amp;le</source>
        <translation>&amp;Rol</translation>
    </message>
    <message>
        <source>New person</source>
        <translation>Persona nueva</translation>
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
            <numerusform>%n entrada verificada, la cadena está intacta</numerusform>
            <numerusform>%n entradas verificadas, la cadena está intacta</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n minuto</numerusform>
            <numerusform>%n minutos</numerusform>
        </translation>
    </message>
</context>
</TS>
