// Embeds each argument after the first with a converted model directory, through IEmbeddingGenerator:
//   dotnet run --project examples/EmbeddingsConsole -- MODEL_DIR "first text" "second text"
using Jasper.Embeddings.Inference;
using Microsoft.Extensions.AI;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: EmbeddingsConsole MODEL_DIR TEXT [TEXT ...]");
    return 2;
}

using var encoder = JasperEncoder.Load(args[0]);
await PrintAsync(encoder, args[1..]);
return 0;

// Written against the abstraction: any IEmbeddingGenerator would do here.
static async Task PrintAsync(IEmbeddingGenerator<string, Embedding<float>> generator, string[] texts)
{
    var embeddings = await generator.GenerateAsync(texts);
    for (int i = 0; i < embeddings.Count; i++)
    {
        var vector = embeddings[i].Vector.Span;
        Console.WriteLine($"{i}: {vector.Length} dimensions, starts {vector[0]:F6} {vector[1]:F6} {vector[2]:F6}");
    }
}
