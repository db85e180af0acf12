using Aos.Conformance;
using Aos.Messaging;
using Aos.Storage.Messaging;
using Aos.Storage.Sqlite;

namespace Aos.Storage.Tests.Messaging;

/// <summary>Runs the transport conformance kit on the embedded SQLite transport.</summary>
public sealed class SqliteMessageTransportTests : MessageTransportConformanceTests
{
    private readonly TempDirectory _directory = new();
    private SqliteDatabase? _database;
    private SqliteMessageTransport? _transport;

    protected override ValueTask<IMessageTransport> CreateTransportAsync()
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _directory.Path });
        _transport = new SqliteMessageTransport(_database, Options, Time);
        return ValueTask.FromResult<IMessageTransport>(_transport);
    }

    protected override async ValueTask<IMessageTransport> RestartTransportAsync()
    {
        await DisposeTransportAsync();
        return await CreateTransportAsync();
    }

    protected override async ValueTask DisposeTransportAsync()
    {
        if (_transport is not null)
        {
            await _transport.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}
