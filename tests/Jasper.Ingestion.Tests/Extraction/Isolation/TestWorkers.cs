using Jasper.Ingestion.Extraction;

namespace Jasper.Ingestion.Tests.Extraction.Isolation;

/// <summary>The test worker program (tests/Jasper.TestWorker), built beside the tests.</summary>
internal static class TestWorkers
{
    /// <summary>Its assembly, which <c>dotnet</c> runs.</summary>
    public static string Assembly { get; } = Path.Combine(AppContext.BaseDirectory, "Jasper.TestWorker.dll");

    /// <summary>
    /// Extraction options naming the test worker with <paramref name="arguments"/>: <c>ExtractionWorker.Argument</c>
    /// for the real worker, or how it should die.
    /// </summary>
    public static ExtractionOptions Options(params string[] arguments)
    {
        var options = new ExtractionOptions();
        options.Isolation.WorkerPath = "dotnet";
        options.Isolation.WorkerArguments.Add(Assembly);
        foreach (string argument in arguments)
        {
            options.Isolation.WorkerArguments.Add(argument);
        }

        return options;
    }
}
