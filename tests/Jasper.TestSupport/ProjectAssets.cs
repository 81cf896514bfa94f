using System.Text.Json;

namespace Jasper.TestSupport;

/// <summary>
/// What a project under <c>core/</c> pulls in, direct or transitive, as NuGet's restore recorded it in
/// <c>obj/project.assets.json</c>: packages, projects and shared frameworks (ASP.NET Core is one).
/// </summary>
public static class ProjectAssets
{
    /// <summary>Every package and project name the restore resolved, plus every framework reference.</summary>
    public static IReadOnlyList<string> Dependencies(string project)
    {
        string path = Path.Combine(RepoPaths.Root, "core", project, "obj", "project.assets.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var names = root.GetProperty("libraries").EnumerateObject().Select(library => library.Name.Split('/')[0]).ToList();
        foreach (var framework in root.GetProperty("project").GetProperty("frameworks").EnumerateObject())
        {
            if (framework.Value.TryGetProperty("frameworkReferences", out var references))
            {
                names.AddRange(references.EnumerateObject().Select(reference => reference.Name));
            }
        }

        return names;
    }

    /// <summary>The dependencies of <paramref name="project"/> whose names start with any of <paramref name="prefixes"/>.</summary>
    public static IReadOnlyList<string> Forbidden(string project, params string[] prefixes) =>
        Dependencies(project).Where(name => prefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))).ToList();
}
