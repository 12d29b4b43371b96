# Civil-status certificate, end to end in French: a full copy of a grandmother's birth certificate,
# first asked by e-mail, then, from the review, by post. The name is typed on the on-screen keyboard.
expect-screen welcome
tap id:welcome.start
expect-screen catalog
tap id:procedure.civil-status-certificate
expect-screen intro
expect-text "Demander un acte de naissance, de mariage ou de décès"
tap id:intro.start
expect-screen step

# intro: information only
expect-text "Avant de commencer"
tap id:step.next

# act_kind
expect-text "Quel acte voulez-vous"
tap id:option.birth
tap id:step.next

# for_whom: "another person" brings the question about the relationship; "deceased" stays hidden.
expect-text "Pour qui demandez-vous cet acte"
expect-no-text "Qui était la personne décédée pour vous"
tap id:option.other
tap id:step.next
expect-text "Quel est votre lien avec cette personne"
type "Petite-fille"
tap id:step.next

# last_name: on the on-screen keyboard, a capital and an accent.
expect-text "Quel est le nom de famille de la personne"
tap id:keyboard.key.shift
tap id:keyboard.key.l
tap id:keyboard.key.shift
tap id:keyboard.key.e
tap id:keyboard.key.f
tap id:keyboard.key.è
tap id:keyboard.key.v
tap id:keyboard.key.r
tap id:keyboard.key.e
expect-text "Lefèvre"
tap id:step.next

# first_names: keys, the space key, then a physical keyboard.
expect-text "Quels sont les prénoms de la personne"
tap id:keyboard.key.shift
tap id:keyboard.key.h
tap id:keyboard.key.shift
tap id:keyboard.key.é
tap id:keyboard.key.l
tap id:keyboard.key.è
tap id:keyboard.key.n
tap id:keyboard.key.e
tap id:keyboard.key.space
type "Marguerite"
expect-text "Hélène Marguerite"
tap id:step.next

# event_date: a date in the future is refused with this procedure's own message.
expect-text "À quelle date a eu lieu l’événement"
type "12"
type "03"
type "2091"
tap id:step.next
expect-text "Cette date est dans le futur. Indiquez la date où l’événement a eu lieu."
tap id:date.year
tap id:keyboard.key.clear
tap id:keyboard.key.1
tap id:keyboard.key.9
tap id:keyboard.key.4
tap id:keyboard.key.1
tap id:step.next
expect-no-text "Cette date est dans le futur"

# event_commune
expect-text "Dans quelle commune a eu lieu l’événement"
type "Saint-Étienne"
tap id:step.next

# copy_kind: a full copy names the parents, an optional question.
expect-text "Quel document voulez-vous"
tap id:option.full_copy
tap id:step.next
expect-text "Comment s’appellent les parents de la personne"
expect-text "Cette question est facultative."
type "Louis Lefèvre et Jeanne Martin"
tap id:step.next

# delivery by e-mail brings the e-mail question; an address without a domain is refused.
expect-text "Comment voulez-vous recevoir le document"
tap id:option.email
tap id:step.next
expect-text "Quelle est votre adresse e-mail"
type "claire.lefevre@exemple"
tap id:step.next
expect-text "Cette adresse e-mail n’est pas complète."
type ".fr"
tap id:step.next

# consent
expect-text "Êtes-vous d’accord"
tap id:step.next
expect-text "Pour continuer, il faut donner votre accord."
tap id:step.agree
tap id:step.next

expect-screen review
expect-text "Vérifiez vos réponses"
expect-text "Lefèvre"
expect-text "Page 1 sur 3"
tap id:review.more
tap id:review.more
expect-text "Page 3 sur 3"
expect-text "claire.lefevre@exemple.fr"
# By post after all: the e-mail question leaves the journey.
tap id:review.change.delivery
expect-screen step
tap id:option.post
tap id:step.next
expect-screen review
expect-no-text "claire.lefevre@exemple.fr"
tap id:review.submit

expect-screen receipt
expect-text "Votre demande est enregistrée"
tap id:receipt.rating_ok
expect-text "Merci pour votre avis."
tap id:receipt.finish
expect-screen welcome
