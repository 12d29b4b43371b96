# Welcome -> catalog -> back, in French, with screenshots of both screens.
expect-screen welcome
expect-text "Bienvenue"
expect-text "France Services"
screenshot welcome.png
tap "Commencer"
expect-screen catalog
expect-text "Choisissez votre démarche"
expect-text "Signaler un changement d’adresse"
screenshot catalog.png
tap "Retour"
expect-screen welcome
# Finishing wipes the session: the next citizen meets the kiosk's language again.
tap "English"
tap "Start"
tap "Finish"
expect-screen welcome
expect-text "Bienvenue"
