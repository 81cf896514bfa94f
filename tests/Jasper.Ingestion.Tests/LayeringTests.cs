using Jasper.TestSupport;

namespace Jasper.Ingestion.Tests;

/// <summary>Ingestion runs anywhere: a local folder to local records needs no web framework and no Azure package.</summary>
public sealed class LayeringTests
{
    [Fact]
    public void Jasper_Ingestion_depends_on_no_web_framework_or_Azure_package()
    {
        Assert.Contains("PdfPig", ProjectAssets.Dependencies("Jasper.Ingestion")); // the check reads the real restore output

        Assert.Empty(ProjectAssets.Forbidden("Jasper.Ingestion", "Azure.", "Microsoft.Azure.", "Microsoft.AspNetCore", "Jasper.Serving", "Jasper.Azure"));
    }
}
