import { readExamples } from './src/bot/nlp/datasets.ts';
import { trainClassifier } from './src/bot/nlp/classifier.ts';
const D = '/work/shared/data/nlp';
const which = process.argv[2] ?? 'clinc';
const opts = JSON.parse(process.argv[3] ?? '{}');
let train, test;
if (which === 'clinc') { train = (await readExamples(`${D}/clinc150/data_full.json#train`)); test = await readExamples(`${D}/clinc150/data_full.json#val`); }
else if (which === 'banking') { const all = await readExamples(`${D}/banking77/train.csv`); train = all.filter((_, i) => i % 10 !== 3); test = all.filter((_, i) => i % 10 === 3); }
else { train = await readExamples(`${D}/arbanking77/Banking77_Arabized_MSA_PAL_train.csv`); test = await readExamples(`${D}/arbanking77/Banking77_Arabized_MSA_PAL_val.csv`); }
const t0 = performance.now();
const model = trainClassifier(train, opts);
const t1 = performance.now();
const res = test.map((e) => ({ e, r: model.classify(e.text) }));
const t2 = performance.now();
const ins = res.filter((x) => x.e.intent !== 'oos'); const oos = res.filter((x) => x.e.intent === 'oos');
const acc = ins.filter((x) => x.r.intent === x.e.intent).length / ins.length;
console.log(which, JSON.stringify(opts), 'T', model.temperature.toFixed(3), 'train s', ((t1 - t0) / 1000).toFixed(1), 'ms/classify', ((t2 - t1) / test.length).toFixed(3), 'acc', acc.toFixed(4), 'meanconf', (ins.reduce((a, x) => a + x.r.confidence, 0) / ins.length).toFixed(3));
for (const th of [0.3, 0.4, 0.5, 0.6, 0.7]) {
  const a = ins.filter((x) => x.r.intent === x.e.intent && x.r.confidence >= th).length / ins.length;
  const o = oos.length ? oos.filter((x) => x.r.confidence < th).length / oos.length : NaN;
  console.log(`  th ${th}: acc(thresholded) ${a.toFixed(4)} oos recall ${o.toFixed(4)}`);
}
