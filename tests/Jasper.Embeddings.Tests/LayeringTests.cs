using Jasper.TestSupport;

namespace Jasper.Embeddings.Tests;

/// <summary>The encoder stands alone: nothing about documents, HTTP or Azure reaches a consumer of Jasper.Embeddings.</summary>
public sealed class LayeringTests
{
    [Fact]
    public void Jasper_Embeddings_depends_on_no_document_parser_web_framework_or_Azure_package()
    {
        var dependencies = ProjectAssets.Dependencies("Jasper.Embeddings");
        Assert.Contains("Microsoft.ML.OnnxRuntime.Managed", dependencies); // the check reads the real restore output

        Assert.Empty(ProjectAssets.Forbidden("Jasper.Embeddings",
            "Azure.", "Microsoft.Azure.", "Microsoft.AspNetCore", "PdfPig", "DocumentFormat.OpenXml", "AngleSharp", "Markdig",
            "Jasper.Ingestion", "Jasper.Serving", "Jasper.Azure"));
    }
}
