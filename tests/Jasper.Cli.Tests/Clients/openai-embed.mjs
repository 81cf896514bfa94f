// The official OpenAI Node SDK against a running `jasper serve`: embeds each text of argv with the extra body fields
// given as JSON (argv[4]) and prints the vectors as a JSON array. The SDK asks for base64 and decodes it itself.
//   node openai-embed.mjs BASE_URL API_KEY '["text", ...]' '{"input_type": "query"}'
import OpenAI from "openai";

const [baseURL, apiKey, texts, extra] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
// Params the SDK does not know are sent in the body as they are: the SDK's documented way to pass extra fields.
const response = await client.embeddings.create({ model: "jasper", input: JSON.parse(texts), ...JSON.parse(extra) });
process.stdout.write(JSON.stringify(response.data.map((d) => d.embedding)));
