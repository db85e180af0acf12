using Aos.Messaging;

namespace Aos.Abstractions.Tests.Messaging;

public sealed class MessageIdsTests
{
    private static readonly DateTimeOffset Time = new(2026, 12, 2, 12, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void New_IsAVersion7UuidOfTheTime_InTheFormGuidCreateVersion7Gives()
    {
        var id = MessageIds.New(Time);

        Assert.Matches("^[0-9a-f]{32}$", id);
        var guid = Guid.ParseExact(id, "N");
        Assert.Equal(7, guid.Version);
        Assert.Equal(0b10, guid.Variant >> 2);
        Assert.Equal(Guid.CreateVersion7(Time).ToString("N")[..12], id[..12]);
    }

    [Fact]
    public void New_ManyInOneMillisecond_OnManyThreads_AreAllDifferent_AndSortByTime()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                ids.Add(MessageIds.New(Time));
            }
        });

        Assert.Equal(16_000, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.True(string.CompareOrdinal(MessageIds.New(Time), MessageIds.New(Time.AddMilliseconds(1))) < 0);
    }
}
