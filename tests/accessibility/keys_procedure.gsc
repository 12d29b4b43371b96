# A whole procedure without a single tap: Tab, Shift+Tab, Enter and typing on a physical keyboard,
# through the catalog's second page, a Change from the review and the receipt (run with a local hub).
expect-screen welcome
key Tab
key Return
expect-screen catalog
key Tab
key Tab
key Tab
key Tab
key Tab
key Return
key Shift+Tab
key Shift+Tab
key Shift+Tab
key Return
expect-screen intro
key Tab
key Tab
key Return
expect-screen step
# problem: the first choice, then Next (Shift+Tab from the first element wraps to the end: Listen, Next)
key Tab
key Return
key Shift+Tab
key Shift+Tab
key Return
expect-text "Où est le problème"
# location: typed on a physical keyboard into the active field, then Next
type "Rue de la Mairie"
key Shift+Tab
key Shift+Tab
key Return
expect-text "Depuis quand"
# since: optional, left empty
key Shift+Tab
key Shift+Tab
key Return
expect-text "Le problème est-il dangereux"
# danger: No (Help, Yes, No), then on to Next
key Tab
key Tab
key Tab
key Return
key Tab
key Tab
key Return
expect-text "Voulez-vous ajouter une précision"
# description: optional, left empty
key Shift+Tab
key Shift+Tab
key Return
expect-text "Voulez-vous une réponse de la mairie"
# wants_reply: No
key Tab
key Tab
key Tab
key Return
key Tab
key Tab
key Return
expect-screen review
# Change "dangerous" to Yes from the review: the emergency advice it reveals is shown, then the review
key Tab
key Tab
key Tab
key Tab
key Return
expect-text "Le problème est-il dangereux"
key Tab
key Tab
key Return
key Tab
key Tab
key Tab
key Return
expect-text "En cas d’urgence"
key Shift+Tab
key Shift+Tab
key Return
expect-screen review
# Send: from the end of the screen, Listen then Send
key Shift+Tab
key Shift+Tab
key Return
expect-screen receipt
expect-text "Votre demande est enregistrée"
# Finish: from the end of the screen, Listen then Finish
key Shift+Tab
key Shift+Tab
key Return
expect-screen welcome
wait-sync
expect-no-text "en attente d’envoi"
