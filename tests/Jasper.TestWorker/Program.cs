using System.Globalization;
using Jasper.Ingestion.Extraction.Isolation;

if (ExtractionWorker.IsRequested(args))
{
    return await ExtractionWorker.RunAsync();
}

// Every misbehaviour starts once a request has begun to arrive, as a parser's would (a worker's input stays open for
// the next document, so there is no end of it to wait for).
Console.OpenStandardInput().ReadByte();
switch (args)
{
    case ["overflow-stack"]:
        return Recursion.Descend(0);
    case ["exhaust-memory"]:
        var kept = new List<byte[]>();
        while (true)
        {
            kept.Add(new byte[16 << 20]);
            kept[^1].AsSpan().Fill(1); // touched, so the pages are real
        }

    case ["hang"]:
        await Task.Delay(Timeout.Infinite);
        return 0;
    case ["exit", var code]:
        await Console.Error.WriteLineAsync("the worker broke");
        return int.Parse(code, CultureInfo.InvariantCulture);
    default:
        await Console.Error.WriteLineAsync($"unknown mode: {string.Join(' ', args)}");
        return 64;
}

internal static class Recursion
{
    // Not a tail call (the sum uses the result), so each level takes a frame, as a recursive parser's does.
    public static int Descend(int depth) => depth == int.MaxValue ? 0 : Descend(depth + 1) + 1;
}
