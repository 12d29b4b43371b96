# Adviser appointment by keys alone (Tab, Shift+Tab, arrows, Enter, Escape, F1, and typing on a physical
# keyboard; no tap), against a local hub: through the catalog's second page, a Change from the review.
expect-screen welcome
key Tab
key Return
expect-screen catalog
# Other procedures (the catalog's next page), then back up to its first card
key Tab
key Tab
key Tab
key Tab
key Tab
expect-focus catalog.more
key Return
key Shift+Tab
key Shift+Tab
key Shift+Tab
key Shift+Tab
expect-focus procedure.adviser-appointment
key Return
expect-screen intro
key Tab
key Tab
expect-focus intro.start
key Return
expect-screen step
# topic: the arrows go through the grid of choices
expect-text "Pour quel sujet voulez-vous un rendez-vous"
key Tab
key Tab
expect-focus option.taxes
key Right
expect-focus option.health
key Return
key Tab
key Tab
key Tab
key Tab
key Tab
key Tab
key Tab
expect-focus step.next
key Return
# half_days: Monday morning and Thursday afternoon
expect-text "Quand pouvez-vous venir"
key Tab
key Tab
expect-focus option.mon_am
key Return
key Tab
key Tab
key Tab
key Tab
key Tab
key Tab
key Tab
expect-focus option.thu_pm
key Return
key Tab
key Tab
key Tab
key Tab
expect-focus step.next
key Return
expect-text "Quel est votre nom de famille"
type "Da Silva"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-text "Quel est votre prénom"
type "Benoît"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
# phone: a missing digit is refused; the focus stays on Next
expect-text "À quel numéro pouvons-nous vous appeler"
type "06 12 34 56"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-text "Ce numéro de téléphone n’est pas complet"
type " 78"
expect-focus step.next
key Return
# needs: no
expect-text "Avez-vous besoin d’une aide particulière pour le rendez-vous"
key Tab
key Tab
key Tab
expect-focus option.no
key Return
key Tab
key Tab
expect-focus step.next
key Return
expect-text "Ce qu’il faut apporter"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
# review: change the topic to pensions, which brings its own list of what to bring
expect-screen review
key Tab
expect-focus review.change.topic
key Return
expect-screen step
expect-text "Pour quel sujet voulez-vous un rendez-vous"
key Tab
key Tab
key Tab
key Tab
expect-focus option.pensions
key Return
key Tab
key Tab
key Tab
key Tab
key Tab
key Tab
expect-focus step.next
key Return
expect-text "Apportez votre relevé de carrière"
key Shift+Tab
key Shift+Tab
expect-focus step.next
key Return
expect-screen review
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
