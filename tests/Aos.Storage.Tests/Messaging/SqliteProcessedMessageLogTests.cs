using Aos.Conformance.Kernel;
using Aos.Storage.Messaging;
using Aos.Storage.Tests.Kernel;

namespace Aos.Storage.Tests.Messaging;

/// <summary>Runs the processed-message log conformance kit on the embedded database.</summary>
public sealed class SqliteProcessedMessageLogTests : ProcessedMessageLogConformanceTests
{
    private readonly SqliteKernelStorage _storage = new();

    protected override ValueTask<IProcessedMessageLog> OpenAsync() => new(new SqliteProcessedMessageLog(_storage.Database));

    protected override async ValueTask<IProcessedMessageLog> ReopenAsync() => new SqliteProcessedMessageLog(await _storage.ReopenAsync());

    protected override ValueTask<long> CountRowsAsync(string table) => _storage.CountRowsAsync(table);

    protected override ValueTask DisposeStorageAsync() => _storage.DisposeAsync();

    [Fact]
    public async Task ContainsAsync_MarkNotOnDiskYet_AnswersOnlyAfterTheFlush_AndAMissingOneAtOnce()
    {
        var agent = AgentId.Parse("carol");
        var log = new SqliteProcessedMessageLog(_storage.Database);
        Assert.False(await log.ContainsAsync(agent, "m-0", TestContext.Current.CancellationToken));
        using var flush = new FlushGate(_storage.Database);
        var add = log.AddAsync(agent, "m-1", DateTimeOffset.UnixEpoch, TestContext.Current.CancellationToken);
        await flush.Entered;

        // "Duplicate" is an answer a power loss could take back until the mark is on disk; "not processed" is not.
        var found = log.ContainsAsync(agent, "m-1", TestContext.Current.CancellationToken);
        var missing = log.ContainsAsync(agent, "m-2", TestContext.Current.CancellationToken);

        Assert.True(missing.IsCompleted);
        Assert.False(await missing);
        Assert.False(found.IsCompleted);
        flush.Release();
        Assert.True(await found);
        await add;
    }
}
