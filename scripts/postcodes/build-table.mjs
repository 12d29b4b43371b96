// Turns the codes-postaux package into assets/data/postcodes.tsv: one line per postcode, its communes
// sorted by name, so the kiosk loads the table in a few milliseconds without any JSON parser.
import { createRequire } from 'node:module'
import { writeFileSync } from 'node:fs'

const require = createRequire(import.meta.url)
const { version } = require('codes-postaux/package.json')
const rows = require('codes-postaux/codes-postaux.json')

const output = process.argv[2]
if (!output) {
  console.error('usage: node build-table.mjs OUTPUT.tsv')
  process.exit(2)
}

function die (message) {
  console.error(`build-table: ${message}`)
  process.exit(1)
}

// The loader splits on these characters, so a name that contains one would corrupt its line.
const SEPARATORS = /[\t\n\r:|#]/

// Several rows per commune differ only by their delivery label (libelleAcheminement): one postcode,
// INSEE code and name make a commune, whatever the label.
const byPostcode = new Map()
for (const row of rows) {
  const postcode = row.codePostal
  const insee = row.codeCommune
  const name = (row.nomCommune ?? '').normalize('NFC')
  if (!/^\d{5}$/.test(postcode)) die(`bad postcode ${JSON.stringify(postcode)}`)
  if (!/^(\d\d|2A|2B)\d{3}$/.test(insee)) die(`bad INSEE code ${JSON.stringify(insee)} for ${postcode}`)
  if (name === '' || SEPARATORS.test(name)) die(`bad commune name ${JSON.stringify(name)} for ${postcode}`)
  if (!byPostcode.has(postcode)) byPostcode.set(postcode, new Map())
  byPostcode.get(postcode).set(`${name}:${insee}`, { name, insee })
}

// Sorted without the locale's collation, so the output is the same byte for byte on every machine:
// accents and the œ ligature folded first, then the exact name, then the INSEE code.
function fold (name) {
  return name.normalize('NFD').replace(/\p{M}/gu, '').replace(/œ/g, 'oe').replace(/Œ/g, 'OE').toLowerCase()
}
function compare (a, b) {
  const fa = fold(a.name)
  const fb = fold(b.name)
  if (fa !== fb) return fa < fb ? -1 : 1
  if (a.name !== b.name) return a.name < b.name ? -1 : 1
  return a.insee < b.insee ? -1 : a.insee > b.insee ? 1 : 0
}

const lines = [
  `# postcode\tcommune:INSEE|... from codes-postaux ${version}; regenerate with scripts/build-postcodes.sh (see assets/data/README.md)`
]
let communeCount = 0
for (const postcode of [...byPostcode.keys()].sort()) {
  const communes = [...byPostcode.get(postcode).values()].sort(compare)
  communeCount += communes.length
  lines.push(`${postcode}\t${communes.map(c => `${c.name}:${c.insee}`).join('|')}`)
}
writeFileSync(output, lines.join('\n') + '\n')
console.error(`build-table: ${byPostcode.size} postcodes, ${communeCount} communes from ${rows.length} rows of codes-postaux ${version}`)
