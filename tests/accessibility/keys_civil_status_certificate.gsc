# Civil-status certificate by keys alone (Tab, Shift+Tab, arrows, Enter, Escape, F1, and typing on a
# physical keyboard; no tap), against a local hub: a birth certificate for another person, by e-mail.
expect-screen welcome
key Tab
expect-focus welcome.start
key Return
expect-screen catalog
key Tab
expect-focus procedure.civil-status-certificate
key Return
expect-screen intro
# Escape is Back: to the catalog and in again
key Escape
expect-screen catalog
key Tab
key Return
expect-screen intro
key Tab
key Tab
expect-focus intro.start
key Return
expect-screen step
# intro: information only
expect-text "Avant de commencer"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
# act_kind: F1 opens and reads the help, over the step; Tab reaches its one button, Enter closes it;
# the arrows move between the choices
expect-text "Quel acte voulez-vous"
key F1
expect-text "Fermer l’aide"
key Tab
expect-focus step.close_help
key Return
expect-no-text "Fermer l’aide"
key Tab
key Tab
expect-focus option.birth
key Return
key Down
key Up
expect-focus option.birth
key Tab
key Tab
key Tab
key Tab
expect-focus step.next
key Return
# for_whom: another person brings the question about the relationship
expect-text "Pour qui demandez-vous cet acte"
key Tab
key Tab
key Tab
key Tab
key Tab
expect-focus option.other
key Return
key Tab
key Tab
expect-focus step.next
key Return
expect-text "Quel est votre lien avec cette personne"
type "Petite-fille"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-text "Quel est le nom de famille de la personne"
type "Lefèvre"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-text "Quels sont les prénoms de la personne"
type "Hélène Marguerite"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
# event_date: two digits move on to the next box
expect-text "À quelle date a eu lieu l’événement"
type "12"
type "03"
type "1941"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-text "Dans quelle commune a eu lieu l’événement"
type "Saint-Étienne"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-text "Quel document voulez-vous"
key Tab
key Tab
expect-focus option.full_copy
key Return
key Tab
key Tab
key Tab
key Tab
expect-focus step.next
key Return
expect-text "Comment s’appellent les parents de la personne"
type "Louis Lefèvre et Jeanne Martin"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-text "Comment voulez-vous recevoir le document"
key Tab
key Tab
key Tab
expect-focus option.email
key Return
key Tab
key Tab
expect-focus step.next
key Return
# email: refused without a domain, then completed
expect-text "Quelle est votre adresse e-mail"
type "claire.lefevre@exemple"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-text "Cette adresse e-mail n’est pas complète."
type ".fr"
# the focus stayed on Next
expect-focus step.next
key Return
# consent: Help, I agree, Back, Next
expect-text "Êtes-vous d’accord"
key Tab
key Tab
expect-focus step.agree
key Return
key Tab
key Tab
expect-focus step.next
key Return
# review: Send is just before Listen, at the end
expect-screen review
expect-text "Lefèvre"
key Shift+Tab
key Shift+Tab
expect-focus review.submit
key Return
expect-screen receipt
expect-text "Votre demande est enregistrée"
expect-text "Votre numéro de suivi"
key Shift+Tab
key Shift+Tab
expect-focus receipt.finish
key Return
expect-screen welcome
wait-sync
expect-no-text "en attente d’envoi"
