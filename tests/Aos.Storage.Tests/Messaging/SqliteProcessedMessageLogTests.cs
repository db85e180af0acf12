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
}
