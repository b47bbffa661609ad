import type { Messages } from './index.ts';

/** German, addressing the user as "Sie" throughout. */
export const de: Messages = {
  layout: {
    errorTitle: 'Fehler: {title}',
    showPassword: 'Passwort anzeigen',
    hidePassword: 'Passwort verbergen',
  },
  common: {
    continueTo: 'weiter zu {client}',
    cancelToApp: 'Abbrechen und zur Anwendung zurückkehren',
    cancel: 'Abbrechen',
    email: 'E-Mail-Adresse',
    password: 'Passwort',
    passwordOf: 'Passwort von {email}',
    newPassword: 'Neues Passwort',
    samePasswordAgain: 'Dasselbe Passwort noch einmal',
    passwordsDiffer: 'Die beiden Passwörter stimmen nicht überein.',
    codeFromEmail: 'Code aus der E-Mail',
    goToAccount: 'Zu Ihrem Konto',
    accountApp: 'Ihr Sesame-Konto',
    consoleApp: 'Sesame-Verwaltung',
  },
  error: {
    code: 'Fehlercode:',
    toAccount: 'Zu Ihrem Sesame-Konto',
    serverHeading: 'Bei uns ist etwas schiefgegangen',
    serverMessage: 'Bitte versuchen Sie es in einem Moment noch einmal.',
    requestHeading: 'Diese Anfrage kann nicht bearbeitet werden',
    requestMessage: 'Kehren Sie zur Anwendung zurück und beginnen Sie von vorn.',
    csrfHeading: 'Bitte versuchen Sie es noch einmal',
    csrfMessage:
      'Dieses Formular ist abgelaufen oder wurde nicht von dieser Website gesendet. Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es noch einmal.',
    expiredHeading: 'Diese Anmeldung ist abgelaufen',
    expiredMessage: 'Kehren Sie zur Anwendung zurück, von der Sie kamen, und melden Sie sich erneut an.',
    unknownConnectionHeading: 'Diese Anmeldeoption ist nicht verfügbar',
    unknownConnectionMessage:
      'Die Anmeldung über die Organisation, die die Anwendung angefordert hat, gibt es nicht oder sie ist ausgeschaltet.',
    notFoundTitle: 'Seite nicht gefunden',
    notFoundHeading: 'Hier gibt es keine Seite',
    notFoundMessage: 'Prüfen Sie die Adresse. Wie Sie sich anmelden, verwalten Sie in Ihrem Konto.',
  },
  protocol: {
    title: 'Etwas ist schiefgegangen',
    heading: 'Diese Anmeldeanfrage kann nicht fortgesetzt werden',
    invalid_request:
      'Die Anwendung hat eine Anmeldeanfrage gesendet, die Sesame nicht verwenden kann. Kehren Sie zur Anwendung zurück und versuchen Sie es noch einmal; wenn es wieder passiert, informieren Sie deren Betreiber.',
    invalid_client:
      'Die Anwendung, die Sie hierher geschickt hat, ist diesem Anmeldedienst nicht bekannt. Prüfen Sie die verwendete Adresse oder informieren Sie die Betreiber der Anwendung.',
    invalid_redirect_uri:
      'Die Anwendung wollte Sie an eine Adresse zurückschicken, die sie nicht registriert hat. Deshalb hat Sesame hier angehalten, damit Ihre Anmeldung sicher bleibt. Informieren Sie die Betreiber der Anwendung.',
    unauthorized_client:
      'Diese Anwendung darf Personen nicht auf diese Weise anmelden. Informieren Sie die Betreiber der Anwendung.',
    unsupported_response_type:
      'Diese Anwendung hat etwas angefordert, das Sesame nicht anbietet. Informieren Sie die Betreiber der Anwendung.',
    invalid_scope:
      'Diese Anwendung hat einen Zugriff angefordert, den Sesame nicht gewährt. Informieren Sie die Betreiber der Anwendung.',
    access_denied: 'Die Anmeldung wurde abgebrochen. Kehren Sie zur Anwendung zurück, um neu zu beginnen.',
    login_required: 'Sie sind nicht angemeldet. Kehren Sie zur Anwendung zurück und melden Sie sich an.',
    session_not_found:
      'Diese Anmeldung ist abgelaufen. Kehren Sie zur Anwendung zurück und beginnen Sie von vorn.',
    invalid_grant:
      'Diese Anmeldung ist abgelaufen oder wurde bereits verwendet. Kehren Sie zur Anwendung zurück und beginnen Sie von vorn.',
  },
  home: {
    title: 'Anmeldedienst',
    heading: 'Sesame-Anmeldedienst',
    text: 'Anwendungen schicken Sie hierher, damit Sie sich anmelden. Wie Sie sich anmelden — Ihr Passwort, Ihre Authenticator-App, Ihre Wiederherstellungscodes —, sehen und ändern Sie in Ihrem Konto.',
    link: 'Ihr Konto',
  },
  logout: {
    title: 'Abmelden',
    heading: 'Abmelden?',
    question: 'Möchten Sie sich von Sesame abmelden?',
    questionApp: 'Möchten Sie sich von Sesame und {client} abmelden?',
    yes: 'Ja, abmelden',
    no: 'Nein, angemeldet bleiben',
  },
  loggedOut: {
    title: 'Abgemeldet',
    heading: 'Abgemeldet',
    text: 'Sie wurden abgemeldet. Sie können dieses Fenster schließen.',
    textApp: 'Sie wurden von {client} abgemeldet. Sie können dieses Fenster schließen.',
    link: 'Bei Ihrem Sesame-Konto anmelden',
  },
  login: {
    title: 'Anmelden',
    remember: 'Auf diesem Gerät angemeldet bleiben',
    submit: 'Anmelden',
    forgot: 'Passwort vergessen?',
    federationHeading: 'Oder verwenden Sie das Konto Ihrer Organisation',
    federate: 'Mit {connection} anmelden',
    failed: 'Die E-Mail-Adresse oder das Passwort ist falsch, oder das Konto ist vorübergehend gesperrt.',
    federationOnly:
      'Ihre Organisation meldet Sie über ihre eigene Anmeldung an, nicht mit einem Sesame-Passwort. Verwenden Sie deren Schaltfläche oder fragen Sie Ihren Administrator, welche.',
    taken:
      'Diese Anmeldung wurde mit einem anderen Konto begonnen. Brechen Sie sie ab und beginnen Sie neu, um dieses Konto zu verwenden.',
    passkey: 'Mit einem Passkey anmelden',
    passkeyFailed:
      'Mit diesem Passkey konnten Sie nicht angemeldet werden: Er gehört nicht zu dieser Website, das Konto ist vorübergehend gesperrt oder die Anfrage ist abgelaufen. Versuchen Sie es erneut oder verwenden Sie Ihr Passwort.',
    passwordReset:
      'Ihr Passwort wurde geändert, und alle Sitzungen Ihres Kontos wurden abgemeldet. Melden Sie sich mit dem neuen Passwort an.',
  },
  forgot: {
    title: 'Passwort zurücksetzen',
    intro: 'Geben Sie die E-Mail-Adresse Ihres Kontos ein. Sesame schickt einen Code dorthin.',
    send: 'Code senden',
    back: 'Zurück zur Anmeldung',
    invalidEmail: 'Das ist keine E-Mail-Adresse. Prüfen Sie sie und versuchen Sie es noch einmal.',
  },
  resetCode: {
    title: 'Code eingeben',
    sent: 'Wenn ein Konto {email} verwendet, ist ein Code dorthin unterwegs (die E-Mail sagt es in jedem Fall). Er ist 30 Minuten gültig.',
    submit: 'Weiter',
    again: 'Neuen Code senden',
    tooSoon:
      'Vor weniger als einer Minute wurde ein Code gesendet: Verwenden Sie diesen, oder warten Sie einen Moment.',
    wrong:
      'Dieser Code ist falsch oder abgelaufen. Prüfen Sie die E-Mail oder fordern Sie einen neuen Code an.',
    used: 'Dieser Code kann nicht mehr verwendet werden. Fordern Sie einen neuen Code an.',
  },
  resetPassword: {
    title: 'Neues Passwort wählen',
    factorIntro:
      'Ihr Konto ist durch eine Authenticator-App geschützt: Bestätigen Sie, dass Sie es sind, mit einem Code daraus oder mit einem Wiederherstellungscode.',
    factorWith: 'Mit',
    factorTotp: 'der Authenticator-App',
    factorRecovery: 'einem Wiederherstellungscode',
    factorCode: 'Code',
    submit: 'Neues Passwort festlegen',
    after: 'Danach werden alle Sitzungen Ihres Kontos abgemeldet.',
    factorNeeded: 'Geben Sie einen Code aus Ihrer Authenticator-App oder einen Wiederherstellungscode ein.',
    wrongFactor: 'Dieser Authenticator- oder Wiederherstellungscode ist falsch.',
  },
  link: {
    title: 'Anmeldung verknüpfen',
    heading: 'Ihre Anmeldung über {connection} verknüpfen',
    existing: 'Sie haben bei diesem Anmeldedienst bereits ein Konto mit der Adresse {email}.',
    ask: 'Damit das {connection}-Konto {account} Sie künftig dort anmeldet, melden Sie sich noch einmal bei diesem Konto an. Tun Sie das nur, wenn es Ihr eigenes Konto ist.',
    submit: 'Anmelden und verknüpfen',
    notYours:
      'Wenn das nicht Ihr Konto ist oder Sie sein Passwort vergessen haben, brechen Sie ab; es wird nichts verknüpft.',
  },
  invitation: {
    title: '{tenant} beitreten',
    pageTitle: 'Einladung',
    invited: 'Sie sind zu {tenant} eingeladen.',
    invitedApp: 'Sie sind zu {tenant} eingeladen, um {app} zu verwenden.',
    invitedRoles: 'Sie sind zu {tenant} eingeladen, um {app} als {roles} zu verwenden.',
    joinFederated: 'Treten Sie über die Anmeldung Ihrer Organisation bei (als {email}):',
    joinEither:
      'Treten Sie über die Anmeldung Ihrer Organisation bei oder unten mit einem Sesame-Passwort (als {email}):',
    joinWith: 'Mit {connection} beitreten',
    unavailable:
      'Diese Organisation meldet sich über ihren eigenen Identitätsanbieter an, der gerade nicht verfügbar ist. Fragen Sie die Person, die Sie eingeladen hat.',
    hasAccount: 'Sie haben ein Konto mit {email}: Melden Sie sich dort an, um die Einladung anzunehmen.',
    signInAccept: 'Anmelden und annehmen',
    create: 'Erstellen Sie Ihr Konto für {email}.',
    name: 'Ihr Name',
    choosePassword: 'Passwort wählen',
    createAccept: 'Konto erstellen und annehmen',
    otherAccount: 'Stattdessen mit einem anderen Konto anmelden',
    giveName: 'Bitte geben Sie Ihren Namen an.',
    wrongPassword: 'Das Passwort ist falsch, oder das Konto ist vorübergehend gesperrt.',
    taken:
      'Diese Anmeldung wurde mit einem anderen Konto begonnen. Brechen Sie sie ab und öffnen Sie den Link erneut.',
    accountExists:
      'Mit dieser Adresse gibt es jetzt ein Konto: Melden Sie sich dort an, um die Einladung anzunehmen.',
    invalidEmail: 'Das ist keine E-Mail-Adresse, die Sesame akzeptiert.',
    foreignDomain:
      'Eine andere Organisation hat die Domain dieser Adresse nachgewiesen: Personen mit dieser Adresse gehören zu jener Organisation.',
    federationOnlyJoin:
      'Diese Organisation meldet sich nur über ihren eigenen Identitätsanbieter an: Treten Sie über dessen Schaltfläche bei.',
    notAccepted: 'Das kann nicht angenommen werden. Fragen Sie die Person, die Sie eingeladen hat.',
    goneHeading: 'Diese Einladung kann nicht verwendet werden',
    goneText:
      'Der Link ist abgelaufen, wurde bereits verwendet oder wurde zurückgezogen. Bitten Sie die Person, die Sie eingeladen hat, einen neuen zu senden.',
    otherHeading: 'Sie sind mit einem anderen Konto angemeldet',
    otherText:
      'Diese Einladung gilt für eine andere Adresse als das Konto, das in diesem Browser angemeldet ist. Melden Sie sich ab und öffnen Sie dann den Link aus der E-Mail erneut.',
    signOut: 'Abmelden',
  },
  consent: {
    title: 'Zugriff erlauben',
    heading: 'Zugriff erlauben?',
    signedInAs: 'Angemeldet als {email}',
    notYou: 'Nicht Sie?',
    asks: '{client} möchte:',
    allow: 'Erlauben',
    deny: 'Ablehnen',
    openid: 'Wissen, wer Sie sind',
    email: 'Ihre E-Mail-Adresse sehen',
    profile: 'Ihren Namen sehen',
    roles: 'Ihre Rollen in dieser Anwendung sehen',
    offline_access: 'Bei dieser Anwendung angemeldet bleiben',
  },
  mfa: {
    title: 'Bestätigung in zwei Schritten',
    totpLabel: 'Code aus Ihrer Authenticator-App',
    verify: 'Prüfen',
    sendCode: 'Code an {email} senden',
    verifyEmail: 'E-Mail-Code prüfen',
    resend: 'Neuen Code an {email} senden',
    recoveryLabel: 'Wiederherstellungscode',
    useRecovery: 'Wiederherstellungscode verwenden',
    others: 'Eine andere Methode verwenden',
    emailOther: 'Einen Code per E-Mail erhalten (an {email})',
    usePasskey: 'Passkey verwenden',
    passkeyButton: 'Mit Passkey anmelden',
    passkeyNeedsScript:
      'Ihr Passkey funktioniert in einem Browser mit aktiviertem JavaScript. Sie können unten auch eine andere Methode wählen.',
    failedPasskey:
      'Der Passkey konnte nicht geprüft werden, oder das Konto ist vorübergehend gesperrt. Bitte versuchen Sie es erneut.',
    useTotp: 'Ihre Authenticator-App verwenden',
    useEmail: 'Einen Code per E-Mail erhalten',
    useRecoveryCode: 'Einen Wiederherstellungscode verwenden',
    failed: 'Der Code ist falsch oder abgelaufen, oder das Konto ist vorübergehend gesperrt.',
    failedTotp:
      'Der Code aus Ihrer Authenticator-App ist falsch oder abgelaufen, oder das Konto ist vorübergehend gesperrt.',
    failedEmail:
      'Der Code aus der E-Mail ist falsch oder abgelaufen, oder das Konto ist vorübergehend gesperrt.',
    failedRecovery:
      'Der Wiederherstellungscode ist falsch oder wurde bereits verwendet, oder das Konto ist vorübergehend gesperrt.',
    replayed:
      'Dieser Code wurde bereits verwendet. Warten Sie auf den nächsten Code in Ihrer Authenticator-App und geben Sie ihn ein.',
    sent: 'Wir haben einen Code an Ihre E-Mail-Adresse gesendet. Geben Sie ihn unten ein; er funktioniert einmal.',
    tooSoon: 'Gerade wurde ein Code gesendet. Bitte warten Sie, bevor Sie einen weiteren anfordern.',
    hourlyLimit:
      'In der letzten Stunde wurden zu viele Codes an Ihre Adresse gesendet. Verwenden Sie den zuletzt erhaltenen Code oder versuchen Sie es später noch einmal.',
    refused: 'E-Mail-Codes können hier nicht verwendet werden.',
  },
  enrol: {
    title: 'Bestätigung in zwei Schritten einrichten',
    accountTitle: 'Authenticator-App einrichten',
    requires: '{client} verlangt bei der Anmeldung einen zweiten Schritt.',
    scan: 'Scannen Sie diesen Code mit einer Authenticator-App (zum Beispiel Google Authenticator, Microsoft Authenticator oder 1Password).',
    qrAlt: 'QR-Code für Ihre Authenticator-App',
    manual: 'Oder geben Sie diesen Schlüssel von Hand ein:',
    codeLabel: 'Der sechsstellige Code, den die App anzeigt',
    confirm: 'Bestätigen',
    wrong:
      'Dieser Code passt nicht. Prüfen Sie die Uhrzeit auf Ihrem Telefon und versuchen Sie es noch einmal.',
  },
  tooWeak: {
    title: 'Richten Sie zuerst eine Authenticator-App ein',
    textApp:
      '{client} verlangt eine Anmeldung mit einer Authenticator-App, und Ihr Konto hat noch keine. Richten Sie zuerst eine Authenticator-App in Ihrem Konto ein und melden Sie sich dann erneut bei der Anwendung an.',
    text: 'Diese Anwendung verlangt eine Anmeldung mit einer Authenticator-App, und Ihr Konto hat noch keine. Richten Sie zuerst eine Authenticator-App in Ihrem Konto ein und melden Sie sich dann erneut bei der Anwendung an.',
    passkeyTitle: 'Fügen Sie zuerst einen Passkey hinzu',
    passkeyTextApp:
      '{client} verlangt eine Anmeldung mit einem Passkey, und Ihr Konto hat noch keinen. Fügen Sie zuerst in Ihrem Konto einen Passkey hinzu und melden Sie sich dann erneut bei der Anwendung an.',
    passkeyText:
      'Diese Anwendung verlangt eine Anmeldung mit einem Passkey, und Ihr Konto hat noch keinen. Fügen Sie zuerst in Ihrem Konto einen Passkey hinzu und melden Sie sich dann erneut bei der Anwendung an.',
  },
  recoveryCodes: {
    title: 'Ihre Wiederherstellungscodes',
    intro:
      'Mit jedem Code können Sie sich einmal anmelden, wenn Sie Ihren Authenticator verlieren. Bewahren Sie die Codes sicher auf: Sie werden nur jetzt angezeigt.',
    download: 'Als Textdatei herunterladen',
    fileHeading: 'Sesame-Wiederherstellungscodes (jeder funktioniert einmal)',
    saved: 'Ich habe sie gespeichert, weiter',
    copy: 'Codes kopieren',
    copied: 'Die Codes sind kopiert.',
  },
  account: {
    title: 'Ihr Konto',
    factorsHeading: 'Bestätigung in zwei Schritten',
    reauth: 'Um zu ändern, wie Sie sich anmelden, müssen Sie zuerst {link}.',
    reauthLink: 'bestätigen, dass Sie es sind',
    passkeyHeading: 'Passkeys',
    passkeyIntro:
      'Mit einem Passkey melden Sie sich über die Displaysperre Ihres Geräts oder einen Sicherheitsschlüssel an, und er funktioniert nicht auf gefälschten Seiten.',
    passkeyNameLabel: 'Name für den neuen Passkey (optional)',
    passkeyAdd: 'Passkey hinzufügen',
    passkeyNeedsScript:
      'Zum Hinzufügen eines Passkeys brauchen Sie einen Browser mit aktiviertem JavaScript und Passkey-Unterstützung.',
    passkeyDates: 'Hinzugefügt {created}; zuletzt verwendet {used}.',
    passkeyNeverUsed: 'nie',
    passkeyRemove: '{name} entfernen',
    passkeyAdded: 'Ihr Passkey wurde hinzugefügt.',
    passkeyRemoved: 'Der Passkey wurde entfernt.',
    passkeyFailed: 'Der Passkey konnte nicht hinzugefügt werden. Bitte versuchen Sie es erneut.',
    passkeyNotAllowed:
      'Diese Art von Passkey wird hier nicht akzeptiert. Verwenden Sie einen anderen Sicherheitsschlüssel oder ein anderes Gerät.',
    passkeyLimit: 'Sie haben die höchste Zahl an Passkeys für ein Konto. Entfernen Sie zuerst einen.',
    passkeyOn: 'Eingerichtet.',
    passkeyOff: 'Nicht eingerichtet.',
    totpHeading: 'Authenticator-App',
    totpOn: 'Eingerichtet.',
    totpOff: 'Nicht eingerichtet.',
    totpRemove: 'Authenticator-App entfernen',
    totpAdd: 'Authenticator-App einrichten',
    emailHeading: 'Codes per E-Mail',
    emailOn: 'Ein.',
    emailOff: 'Aus.',
    emailTurnOff: 'Codes per E-Mail ausschalten',
    emailTurnOn: 'Codes per E-Mail einschalten',
    recoveryHeading: 'Wiederherstellungscodes',
    recoveryLeft: '{count} unbenutzt.',
    recoveryNew: 'Neue Wiederherstellungscodes erstellen',
    passwordHeading: 'Passwort',
    currentPassword: 'Aktuelles Passwort',
    newPasswordAgain: 'Neues Passwort noch einmal',
    changePassword: 'Passwort ändern',
    sessionsHeading: 'Wo Sie angemeldet sind',
    sessionsText:
      'Irgendwo angemeldet, dem Sie nicht mehr trauen (ein gemeinsam genutzter Computer, ein verlorenes Telefon)? Beenden Sie alle Sitzungen Ihres Kontos: Jeder Browser und jede App muss sich neu anmelden, auch dieser.',
    everywhere: 'Überall abmelden',
    signOut: 'Abmelden',
    totpAdded: 'Ihre Authenticator-App ist eingerichtet.',
    totpRemoved: 'Die Authenticator-App wurde entfernt.',
    emailCodesOn: 'Anmeldecodes per E-Mail sind eingeschaltet.',
    emailCodesOff: 'Anmeldecodes per E-Mail sind ausgeschaltet.',
    lastFactor:
      'Ihr Konto muss einen zweiten Faktor dieser Stärke behalten, daher kann dieser nicht ausgeschaltet werden. Richten Sie zuerst einen anderen ein.',
    busy: 'Eine andere Änderung Ihrer Anmeldemethoden ist im Gange. Bitte versuchen Sie es in einem Moment noch einmal.',
    notOffered: 'Diese Anmeldemethode wird hier nicht angeboten.',
    setUpFirst: 'Richten Sie zuerst einen zweiten Faktor ein.',
    signInFirst: 'Bitte melden Sie sich erneut an, bevor Sie dies ändern.',
    confirmationDiffers: 'Das neue Passwort und seine Bestätigung stimmen nicht überein.',
    wrongCurrent: 'Das aktuelle Passwort ist falsch, oder das Konto ist vorübergehend gesperrt.',
    notSignedInTitle: 'Nicht angemeldet',
    notSignedInHeading: 'Sie sind nicht angemeldet',
    notSignedInMessage:
      'Die Anmeldung wurde nicht abgeschlossen, daher bleiben Ihre Kontoeinstellungen geschlossen.',
    everywhereTitle: 'Überall abgemeldet',
    everywhereHeading: 'Sie sind überall abgemeldet',
    everywhereMessage:
      'Jeder Browser und jede App, die bei Ihrem Konto angemeldet waren, müssen sich neu anmelden (eine App kann ein Zugriffstoken, das sie bereits hat, noch bis zu seinem Ablauf nutzen, höchstens einige Minuten).',
    changedTitle: 'Passwort geändert',
    changedHeading: 'Ihr Passwort wurde geändert',
    changedMessage:
      'Zu Ihrer Sicherheit wurden alle Sitzungen abgemeldet, auch diese. Melden Sie sich mit dem neuen Passwort an.',
    signInAgain: 'Erneut anmelden',
    thisBrowser: 'dieser Browser',
    sessionLine: 'Angemeldet {signedIn} mit {method}; zuletzt aktiv {seen} von {where}.',
    sessionApps: 'Angemeldete Apps: {apps}',
    endThisBrowser: 'Diesen Browser abmelden',
    endSession: 'Diese Sitzung abmelden',
    appsHeading: 'Apps mit Zugriff',
    noApps: 'Keine App hat Zugriff auf Ihr Konto.',
    appAllowed: 'Erlaubt {granted}.',
    appOffline: 'Sie kann Sie angemeldet halten, während Sie abwesend sind.',
    removeAccess: 'Zugriff entziehen',
    sessionEnded: 'Diese Sitzung ist abgemeldet.',
    appRemoved: 'Die App hat keinen Zugriff mehr auf Ihr Konto. Beim nächsten Mal muss sie erneut fragen.',
    signedOutHereTitle: 'Abgemeldet',
    signedOutHereHeading: 'Sie sind in diesem Browser abgemeldet',
    signedOutHereMessage: 'Ihre anderen Sitzungen bleiben angemeldet.',
    justNow: 'gerade eben',
    unknownTime: 'zu einem unbekannten Zeitpunkt',
    unknownAddress: 'einer unbekannten Adresse',
    unknownBrowser: 'Unbekannter Browser',
    browserOn: '{browser} unter {system}',
    byFederation: 'der Anmeldung Ihrer Organisation',
    byMfa: 'Passwort und zweitem Faktor',
    byPasskey: 'einem Passkey',
    byPassword: 'Passwort',
    byOther: 'einer Anmeldung',
  },
  policy: {
    rules:
      'Mindestens {min} Zeichen; kein häufig verwendetes Passwort und nicht Ihre E-Mail-Adresse. Leerzeichen sind willkommen: Ein paar Wörter, die nichts miteinander zu tun haben, ergeben ein gutes Passwort.',
    rulesWith:
      'Mindestens {min} Zeichen, mit {needs}; kein häufig verwendetes Passwort und nicht Ihre E-Mail-Adresse. Leerzeichen sind willkommen: Ein paar Wörter, die nichts miteinander zu tun haben, ergeben ein gutes Passwort.',
    needsDigit: 'einer Ziffer',
    needsUpper: 'einem Großbuchstaben',
    needsLower: 'einem Kleinbuchstaben',
    needsSpecial: 'einem Zeichen, das weder Buchstabe noch Ziffer ist',
    too_short: 'Verwenden Sie mindestens {min} Zeichen.',
    too_long: 'Verwenden Sie höchstens {max} Zeichen.',
    needs_digit: 'Verwenden Sie mindestens eine Ziffer.',
    needs_upper: 'Verwenden Sie mindestens einen Großbuchstaben.',
    needs_lower: 'Verwenden Sie mindestens einen Kleinbuchstaben.',
    needs_special: 'Verwenden Sie mindestens ein Zeichen, das weder Buchstabe noch Ziffer ist.',
    common: 'Dieses Passwort ist zu verbreitet; wählen Sie eines, das schwerer zu erraten ist.',
    contains_email: 'Verwenden Sie Ihre E-Mail-Adresse nicht in Ihrem Passwort.',
  },
  refusal: {
    state_unknownHeading: 'Diese Anmeldung kann nicht abgeschlossen werden',
    state_unknown:
      'Sie ist abgelaufen, wurde bereits verwendet oder anderswo begonnen. Kehren Sie zur Anwendung zurück und melden Sie sich erneut an.',
    connection_mismatchHeading: 'Diese Anmeldung kann nicht abgeschlossen werden',
    connection_mismatch:
      'Die Antwort kam von einer anderen Organisation als der, mit der die Anmeldung begann. Melden Sie sich erneut an.',
    connection_disabledHeading: 'Die Anmeldung über diese Organisation ist ausgeschaltet',
    connection_disabled:
      'Fragen Sie Ihren Administrator, oder kehren Sie zur Anwendung zurück und melden Sie sich auf andere Weise an.',
    upstream_errorHeading: 'Ihre Organisation hat Sie nicht angemeldet',
    upstream_error:
      'Die Anmeldung wurde dort abgebrochen oder abgelehnt. Kehren Sie zur Anwendung zurück und versuchen Sie es noch einmal.',
    invalid_responseHeading: 'Der Antwort Ihrer Organisation war nicht zu trauen',
    invalid_response:
      'Sesame konnte die erhaltene Anmeldung nicht überprüfen. Versuchen Sie es noch einmal; wenn es wieder passiert, informieren Sie Ihren Administrator.',
    wrong_tenantHeading: 'Dieses Konto gehört zu einer anderen Organisation',
    wrong_tenant: 'Melden Sie sich mit einem Konto der Organisation an, für die diese Anmeldung gedacht ist.',
    missing_claimsHeading: 'Ihre Organisation hat nicht mitgeteilt, wer Sie sind',
    missing_claims:
      'Der Anmeldung fehlte eine Kennung oder E-Mail-Adresse. Bitten Sie Ihren Administrator, die Verbindung zu prüfen.',
    groups_overageHeading: 'Ihre Gruppenliste war zu lang zum Lesen',
    groups_overage:
      'Sie sind Mitglied in mehr Gruppen, als Ihre Organisation in eine Anmeldung aufnimmt, daher kann Sesame nicht erkennen, welche Rollen Sie haben. Bitten Sie Ihren Administrator, die an Sesame gesendeten Gruppen zu begrenzen (zum Beispiel auf die der Anwendung zugewiesenen Gruppen).',
    email_takenHeading: 'Ein Konto mit dieser E-Mail-Adresse gibt es bereits',
    email_taken:
      'Sesame führt Konten nicht anhand der E-Mail-Adresse zusammen. Bitten Sie Ihren Administrator, das Konto Ihrer Organisation mit Ihrem bestehenden Konto zu verknüpfen.',
    user_disabledHeading: 'Dieses Konto ist deaktiviert',
    user_disabled: 'Fragen Sie Ihren Administrator.',
    expiredHeading: 'Diese Anmeldung ist abgelaufen',
    expired: 'Kehren Sie zur Anwendung zurück, von der Sie kamen, und melden Sie sich erneut an.',
    browser_mismatchHeading: 'Diese Anmeldung wurde in einem anderen Browser begonnen',
    browser_mismatch:
      'Zu Ihrer Sicherheit kann sie hier nicht abgeschlossen werden. Kehren Sie zur Anwendung zurück und melden Sie sich in diesem Browser erneut an.',
    upstream_unavailableHeading: 'Die Anmeldung Ihrer Organisation ist nicht verfügbar',
    upstream_unavailable:
      'Sesame konnte sie nicht erreichen. Versuchen Sie es in einem Moment noch einmal; wenn es wieder passiert, informieren Sie Ihren Administrator.',
    busyHeading: 'Ihr Konto wird eingerichtet',
    busy: 'Gerade wird eine andere Anmeldung mit demselben Konto abgeschlossen. Versuchen Sie es noch einmal.',
    foreign_domainHeading: 'Diese E-Mail-Adresse gehört zu einer anderen Organisation',
    foreign_domain:
      'Die Anmeldung Ihrer Organisation lieferte eine Adresse in einer Domain, die eine andere Organisation nachgewiesen hat. Fragen Sie Ihren Administrator.',
  },
  mail: {
    changedSubject: 'Ihr Sesame-Konto wurde geändert',
    notYou: 'Wenn Sie das nicht waren, wenden Sie sich sofort an Ihren Administrator.',
    passkeyAdded: 'Ihrem Sesame-Konto wurde ein Passkey hinzugefügt.',
    passkeyRemoved: 'Aus Ihrem Sesame-Konto wurde ein Passkey entfernt.',
    totpAdded: 'Ihrem Sesame-Konto wurde eine Authenticator-App hinzugefügt.',
    totpRemoved: 'Die Authenticator-App wurde aus Ihrem Sesame-Konto entfernt.',
    emailCodesOn: 'Anmeldecodes per E-Mail wurden für Ihr Sesame-Konto eingeschaltet.',
    emailCodesOff: 'Anmeldecodes per E-Mail wurden für Ihr Sesame-Konto ausgeschaltet.',
    recoveryCodesNew:
      'Für Ihr Sesame-Konto wurden neue Wiederherstellungscodes erstellt; die alten funktionieren nicht mehr.',
    sessionsEnded: 'Alle Sitzungen Ihres Sesame-Kontos wurden abgemeldet, wie Sie es wollten.',
    passwordChanged: 'Das Passwort Ihres Sesame-Kontos wurde geändert.',
    passwordReset:
      'Das Passwort Ihres Sesame-Kontos wurde mit einem an diese Adresse gesendeten Code zurückgesetzt. Alle Sitzungen wurden abgemeldet.',
    linked:
      'Eine Anmeldung über den Identitätsanbieter Ihrer Organisation (Verbindung {connection}) wurde mit Ihrem Sesame-Konto verknüpft; sie meldet Sie nun ohne Ihr Sesame-Passwort an.',
    codeSubject: 'Ihr Sesame-Anmeldecode',
    codeIntro: 'Jemand (hoffentlich Sie) meldet sich mit Ihrem Passwort bei Sesame an.',
    code: 'Ihr Anmeldecode lautet {code}',
    codeValid:
      'Er ist {minutes} Minuten gültig und funktioniert einmal. Sesame wird Sie nie per Telefon oder E-Mail danach fragen.',
    codeNotYou: 'Wenn Sie sich gerade nicht anmelden, kennt jemand Ihr Passwort: Ändern Sie es.',
    resetSubject: 'Ihr Sesame-Passwort zurücksetzen',
    resetIntro: 'Jemand (hoffentlich Sie) hat angefordert, das Passwort Ihres Sesame-Kontos zurückzusetzen.',
    resetCode: 'Ihr Code zum Zurücksetzen lautet {code}',
    resetValid:
      'Er ist {minutes} Minuten gültig und funktioniert einmal. Sesame wird Sie nie per Telefon oder E-Mail danach fragen.',
    resetIgnore:
      'Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht: Ihr Passwort bleibt, wie es ist.',
    resetElsewhere:
      'Ihr Konto meldet sich über die eigene Anmeldung Ihrer Organisation an, daher gibt es kein Sesame-Passwort zum Zurücksetzen.',
    resetElsewhereHow:
      'Verwenden Sie die Anmeldeschaltfläche Ihrer Organisation oder fragen Sie Ihren Administrator.',
    resetDisabled:
      'Dieses Konto ist deaktiviert, daher kann sein Passwort nicht zurückgesetzt werden. Fragen Sie Ihren Administrator.',
    resetNoneIntro:
      'Jemand (hoffentlich Sie) hat angefordert, ein Sesame-Passwort für diese Adresse zurückzusetzen.',
    resetNone:
      'Kein Sesame-Konto verwendet diese Adresse, daher gibt es nichts zurückzusetzen. Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht.',
    inviteSubject: 'Einladung zu {tenant}',
    invites: '{inviter} lädt Sie zu {tenant} bei Sesame ein.',
    invitesApp: '{inviter} lädt Sie zu {tenant} bei Sesame ein, um {app} zu verwenden.',
    inviteAccept: 'Einladung annehmen',
    inviteLink: 'Einladung annehmen: {link}',
    inviteUntil:
      'Der Link funktioniert einmal, bis {until}. Wenn Sie diese Einladung nicht erwartet haben, ignorieren Sie diese E-Mail.',
    inviterAdmin: 'Ein Administrator',
    inviterColleague: 'Eine Kollegin oder ein Kollege',
  },
};
