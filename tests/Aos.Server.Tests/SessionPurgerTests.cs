using Aos.Security;
using Aos.Security.Roles;
using Aos.Security.Sessions;
using Aos.Security.Tenants;
using Aos.Security.Tokens;
using Aos.Security.Users;
using Aos.Server.Security;
using Aos.Storage;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Server.Tests;

/// <summary>The node's purge of ended sessions runs on its interval, on the injected clock.</summary>
public sealed class SessionPurgerTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aos-purger-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private SqliteDatabase _database = null!;
    private AccessTokenService _tokens = null!;
    private SessionService _sessions = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _directory });
        var catalog = new StorageCatalog([new SqliteStorageProvider(_database, _time)], Options.Create(new StorageOptions()));
        var roles = new RoleCatalog(catalog);
        var tenants = new TenantService(catalog, _time, roles);
        _tokens = new AccessTokenService(catalog, _time, new AccessTokenOptions());
        var users = new UserService(catalog, _time, new PasswordOptions { Iterations = 1_000 }, new RoleService(catalog, _time, tenants, roles));
        _sessions = new SessionService(catalog, _time, new SessionLifetimeOptions { EndedRetention = TimeSpan.FromDays(1) }, _tokens, users);
    }

    public async ValueTask DisposeAsync()
    {
        _tokens.Dispose();
        await _database.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Purger_DeletesEndedSessionsEveryInterval_OnTheInjectedClock()
    {
        var ada = new User("ada", AosTenants.Default, [AosRoles.User], _time.GetUtcNow(), null);
        var ended = await _sessions.StartAsync(ada, Ct);
        await _sessions.RevokeAsync(AosTenants.Default, ended.Session.Id, "signed out", Ct);
        var logger = new PurgeLogger();
        using var purger = new SessionPurger(_sessions, _time, TimeSpan.FromHours(1), logger);
        await purger.StartAsync(Ct);

        // Kept for a day after it ended: the tick 23 hours on leaves it, the one at 24 hours deletes it.
        _time.Advance(TimeSpan.FromHours(23));
        Assert.NotNull(await _sessions.GetAsync(AosTenants.Default, ended.Session.Id, Ct));
        _time.Advance(TimeSpan.FromHours(1));
        var purged = await logger.Purged.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(1, purged);
        Assert.Null(await _sessions.GetAsync(AosTenants.Default, ended.Session.Id, Ct));
        await purger.StopAsync(Ct);
    }

    private sealed class PurgeLogger : ILogger<SessionPurger>
    {
        public TaskCompletionSource<int> Purged { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 1 && state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                Purged.TrySetResult((int)values.First(v => v.Key == "Count").Value!);
            }
            else if (eventId.Id == 2)
            {
                Purged.TrySetException(exception ?? new InvalidOperationException("The purge failed."));
            }
        }
    }
}
