# a comment
tap "Commencer"
tap id:welcome.start
type "Élodie d’Arc \"la\""
key Return
wait 250
advance 90

expect-screen catalog
expect-text "Êtes-vous toujours là"
expect-no-text "Bienvenue"
screenshot shots/welcome.png
resize 1080x1920
dump-ui ui.json
wait-sync
expect-fits
expect-focus step.next
