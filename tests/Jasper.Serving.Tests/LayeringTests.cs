using Jasper.TestSupport;

namespace Jasper.Serving.Tests;

/// <summary>Serving is host-neutral: Kestrel and the Functions app share it, and it needs no Azure SDK.</summary>
public sealed class LayeringTests
{
    [Fact]
    public void Jasper_Serving_depends_on_no_Azure_package()
    {
        Assert.Contains("Microsoft.AspNetCore.App", ProjectAssets.Dependencies("Jasper.Serving")); // the check reads the real restore output

        Assert.Empty(ProjectAssets.Forbidden("Jasper.Serving", "Azure.", "Microsoft.Azure.", "Jasper.Azure"));
    }
}
