using Jasper.Ingestion.Sinks;
using Jasper.TestSupport;

namespace Jasper.Ingestion.Tests.Sinks;

public sealed class PartWalkTests
{
    [Fact]
    public async Task The_walk_follows_the_parts_that_start_where_the_one_before_ended()
    {
        var parts = new Dictionary<int, int> { [0] = 4, [2] = 3, [4] = 5, [5] = 4 }; // 2 and 5 were cut elsewhere

        var walked = await PartWalk.FollowAsync(SinkRecords.Document("v1"), 9, first => Task.FromResult(parts.TryGetValue(first, out int chunks) ? chunks : (int?)null));

        Assert.Equal([0, 4], walked.Order());
    }

    // A part that holds no chunk would leave the walk where it was, for ever.
    [Fact]
    public async Task A_part_that_holds_no_chunk_is_an_error_not_a_walk_that_never_ends()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            PartWalk.FollowAsync(SinkRecords.Document("v1"), 9, first => Task.FromResult<int?>(first == 0 ? 3 : 0)));

        Assert.Contains("no part that starts at chunk 3", error.Message, StringComparison.Ordinal);
    }
}
