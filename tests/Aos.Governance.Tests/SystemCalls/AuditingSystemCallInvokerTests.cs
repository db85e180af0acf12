using Aos.Governance.Audit;
using Aos.Governance.SystemCalls;
using Aos.Governance.Tests.Audit;
using Aos.SystemCalls;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aos.Governance.Tests.SystemCalls;

/// <summary>The audit stage against a real log whose writer is held up by another connection's write lock.</summary>
public sealed class AuditingSystemCallInvokerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task IsBacklogged_WhileMoreAppendsWaitThanTheBound()
    {
        await using var fixture = new AuditLogFixture();
        await using var log = OpenLog(fixture, maxQueued: 2);
        using var writeLock = new WriteLock(BacklogPath(fixture));

        var first = log.AppendAsync(AuditLogFixture.Record(1), Ct);
        Assert.False(log.IsBacklogged);
        var second = log.AppendAsync(AuditLogFixture.Record(2), Ct);
        Assert.True(log.IsBacklogged);

        writeLock.Release();
        await Task.WhenAll(first, second);
        Assert.False(log.IsBacklogged);
    }

    [Fact]
    public async Task InvokeAsync_LogNotBacklogged_ReturnsBeforeTheEntryIsWritten()
    {
        await using var fixture = new AuditLogFixture();
        await using var log = OpenLog(fixture, maxQueued: 100);
        var invoker = new AuditingSystemCallInvoker(SystemCallInvoker.Direct, log, new SystemCallGovernanceOptions(), NullLogger<AuditingSystemCallInvoker>.Instance);
        using (var writeLock = new WriteLock(BacklogPath(fixture)))
        {
            var call = invoker.InvokeAsync(Call(), (_, _) => ValueTask.FromResult(true), Ct).AsTask();

            Assert.True(call.IsCompletedSuccessfully);
            writeLock.Release();
        }

        await log.StopAsync(Ct);
        Assert.Single((await log.QueryAsync(new AuditQuery { Action = "message.send" }, Ct)).Entries);
    }

    [Fact]
    public async Task InvokeAsync_LogBacklogged_WaitsUntilTheEntryIsWritten()
    {
        await using var fixture = new AuditLogFixture();
        await using var log = OpenLog(fixture, maxQueued: 1);
        var invoker = new AuditingSystemCallInvoker(SystemCallInvoker.Direct, log, new SystemCallGovernanceOptions(), NullLogger<AuditingSystemCallInvoker>.Instance);
        using var writeLock = new WriteLock(BacklogPath(fixture));

        var call = invoker.InvokeAsync(Call(), (_, _) => ValueTask.FromResult(true), Ct).AsTask();

        Assert.False(call.IsCompleted);
        writeLock.Release();
        Assert.True(await call);
        Assert.Single((await log.QueryAsync(new AuditQuery { Action = "message.send" }, Ct)).Entries);
    }

    private static SqliteAuditLog OpenLog(AuditLogFixture fixture, int maxQueued) => new(
        new AuditLogOptions
        {
            DatabasePath = BacklogPath(fixture),
            KeyDirectory = fixture.Options.KeyDirectory,
            MaxQueuedAppends = maxQueued,
        },
        fixture.Time);

    private static string BacklogPath(AuditLogFixture fixture) => Path.Combine(Path.GetDirectoryName(fixture.Options.DatabasePath)!, "backlog.db");

    private static SystemCall Call() => new()
    {
        Action = "message.send",
        Resource = "agent:billing",
        Tenant = "acme",
        Actor = "agent:orders",
    };

    /// <summary>Takes the database's write lock on a second connection, so that the log's writer waits (SQLite's busy wait) until it is let go.</summary>
    private sealed class WriteLock : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction _transaction;

        public WriteLock(string path)
        {
            _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            _connection.Open();
            _transaction = _connection.BeginTransaction(deferred: false);
        }

        public void Release() => _transaction.Rollback();

        public void Dispose()
        {
            _transaction.Dispose();
            _connection.Dispose();
        }
    }
}
