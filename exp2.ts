import { readExamples } from './src/bot/nlp/datasets.ts';
import { Vectorizer } from './src/bot/nlp/features.ts';
const D = '/work/shared/data/nlp';
const train = await readExamples(`${D}/clinc150/data_full.json#train`);
const t0 = performance.now();
const { vectorizer, vectors } = Vectorizer.fit(train.map((e) => e.text), { charRange: [2, 5] });
console.log('fit ms', performance.now() - t0, 'vocab', vectorizer.size, 'avg nnz', vectors.reduce((a, v) => a + v.index.length, 0) / vectors.length);
