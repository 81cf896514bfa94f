using Azure;

namespace Jasper.Azure.Storage;

/// <summary>Reading an Azure listing one page at a time, across calls (a reconciliation saves its place between pages).</summary>
internal static class PageableExtensions
{
    /// <summary>
    /// The page of at most <paramref name="pageSize"/> items that starts at <paramref name="continuation"/> (null: the
    /// first), with where the next page starts (null after the last). A page may be empty and still not the last.
    /// </summary>
    public static async Task<(IReadOnlyList<T> Values, string? Next)> PageAsync<T>(this AsyncPageable<T> items, string? continuation, int pageSize)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(items);
        await foreach (var page in items.AsPages(continuation, pageSize).ConfigureAwait(false))
        {
            return (page.Values, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
        }

        return ([], null);
    }
}
