# Adviser appointment, end to end in French: a question about "something else", then, from the review,
# about retirement, which brings its own list of what to bring. The first name is typed on the
# on-screen keyboard; a short phone number is refused first.
expect-screen welcome
tap id:welcome.start
expect-screen catalog
# At 1920x1080 the catalog shows two cards a page: this one is on the second.
tap id:catalog.more
tap id:procedure.adviser-appointment
expect-screen intro
expect-text "Prendre rendez-vous avec un conseiller"
tap id:intro.start
expect-screen step

# topic: "something else" asks what about.
expect-text "Pour quel sujet voulez-vous un rendez-vous"
tap id:step.next
expect-text "Merci de répondre à cette question."
tap id:option.other
tap id:step.next
expect-text "En quelques mots, quel est le sujet"
type "Un dossier de retraite à compléter"
tap id:step.next

# half_days: several half-days.
expect-text "Quand pouvez-vous venir"
expect-text "Vous pouvez choisir plusieurs réponses."
tap id:option.mon_am
tap id:option.thu_pm
tap id:option.fri_am
# Friday morning after all: a second tap takes it back.
tap id:option.fri_am
tap id:step.next

# last_name: a physical keyboard.
expect-text "Quel est votre nom de famille"
type "Da Silva"
tap id:step.next

# first_name: the on-screen keyboard, with î.
expect-text "Quel est votre prénom"
tap id:keyboard.key.shift
tap id:keyboard.key.b
tap id:keyboard.key.shift
tap id:keyboard.key.e
tap id:keyboard.key.n
tap id:keyboard.key.o
tap id:keyboard.key.î
tap id:keyboard.key.t
expect-text "Benoît"
tap id:step.next

# phone: 8 digits are not enough.
expect-text "À quel numéro pouvons-nous vous appeler"
type "06 12 34 56"
tap id:step.next
expect-text "Ce numéro de téléphone n’est pas complet"
type " 78"
tap id:step.next

# needs: yes brings the question about what help.
expect-text "Avez-vous besoin d’une aide particulière pour le rendez-vous"
tap id:option.yes
tap id:step.next
expect-text "De quelle aide avez-vous besoin"
type "Je me déplace en fauteuil roulant"
tap id:step.next

# bring_other: what to bring for "something else"
expect-text "Ce qu’il faut apporter"
expect-text "Apportez tous les courriers reçus sur ce sujet."
tap id:step.next

expect-screen review
expect-text "Vérifiez vos réponses"
expect-text "Un dossier de retraite à compléter"
# It is about retirement after all: the free-text subject goes, the list for pensions comes.
tap id:review.change.topic
expect-screen step
tap id:option.pensions
tap id:step.next
expect-screen step
expect-text "Ce qu’il faut apporter"
expect-text "Apportez votre relevé de carrière"
tap id:step.next
expect-screen review
expect-text "La retraite"
expect-no-text "Un dossier de retraite à compléter"
tap id:review.submit

expect-screen receipt
expect-text "Votre demande est enregistrée"
tap id:receipt.rating_easy
tap id:receipt.finish
expect-screen welcome
