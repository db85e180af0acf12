using Aos.Security;
using Aos.Security.Sessions;
using Aos.Security.Tenants;
using Aos.Security.Tokens;
using Aos.Security.Users;
using Aos.Storage;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Auth.Tests;

/// <summary>Sessions on a fake clock: refresh-token rotation, reuse detection, sliding and absolute expiry, and revocation of access tokens.</summary>
public sealed class SessionServiceTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aos-sessions-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly SessionLifetimeOptions _options = new() { IdleTimeout = TimeSpan.FromHours(12), AbsoluteLifetime = TimeSpan.FromDays(7) };
    private SqliteDatabase _database = null!;
    private StorageCatalog _catalog = null!;
    private AccessTokenService _tokens = null!;
    private UserService _users = null!;
    private SessionService _sessions = null!;
    private User _ada = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _directory });
        _catalog = new StorageCatalog([new SqliteStorageProvider(_database, _time)], Options.Create(new StorageOptions()));
        _tokens = new AccessTokenService(_catalog, _time, new AccessTokenOptions());
        var identity = Identity.Create(_catalog, _time);
        await identity.Tenants.CreateAsync(new TenantRequest { Name = "acme" }, Ct);
        _users = new UserService(_catalog, _time, new PasswordOptions { Iterations = 1_000 }, identity.Roles);
        _sessions = new SessionService(_catalog, _time, _options, _tokens, _users);
        _ada = await _users.CreateAsync(new UserRequest { Username = "ada", Password = Password, Tenant = "acme", Roles = [AosRoles.User] }, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        _tokens.Dispose();
        await _database.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Start_IssuesAnAccessTokenWithTheSessionId_AndARefreshTokenWhoseSecretIsNotStored()
    {
        var started = await _sessions.StartAsync(_ada, Ct);

        var validated = await _sessions.ValidateAccessTokenAsync(started.AccessToken.AccessToken, Ct);
        Assert.Equal(started.Session.Id, validated!.Subject.SessionId);
        Assert.Equal(("user:acme/ada", "acme"), (validated.Subject.Id, validated.Subject.Tenant));
        Assert.StartsWith($"aosr_acme_{started.Session.Id}_", started.RefreshToken, StringComparison.Ordinal);
        Assert.Equal(_time.GetUtcNow().AddHours(12), started.Session.IdleExpiresAt);
        Assert.Equal(_time.GetUtcNow().AddDays(7), started.Session.AbsoluteExpiresAt);

        var stored = await _catalog.GetDocumentStore(AosIdentityStore.Name).GetAsync("sessions", "acme", started.Session.Id, Ct);
        Assert.DoesNotContain(started.RefreshToken.Split('_', 4)[3], stored!.Document.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_RotatesTheToken_AndSlidesTheIdleExpiry()
    {
        var started = await _sessions.StartAsync(_ada, Ct);
        _time.Advance(TimeSpan.FromHours(11));

        var refreshed = await _sessions.RefreshAsync(started.RefreshToken, Ct);

        Assert.Equal(RefreshOutcome.Succeeded, refreshed.Outcome);
        Assert.NotEqual(started.RefreshToken, refreshed.Tokens!.RefreshToken);
        Assert.Equal(started.Session.Id, refreshed.Tokens.Session.Id);
        Assert.Equal(_time.GetUtcNow().AddHours(12), refreshed.Tokens.Session.IdleExpiresAt);
        Assert.Equal(_time.GetUtcNow(), refreshed.Tokens.Session.LastUsedAt);

        // Past the first idle expiry (12 h after sign-in) the session lives on, because the refresh slid it.
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(RefreshOutcome.Succeeded, (await _sessions.RefreshAsync(refreshed.Tokens.RefreshToken, Ct)).Outcome);
    }

    [Fact]
    public async Task Refresh_AfterTheIdleTimeout_IsExpired()
    {
        var started = await _sessions.StartAsync(_ada, Ct);
        _time.Advance(TimeSpan.FromHours(12));

        var refreshed = await _sessions.RefreshAsync(started.RefreshToken, Ct);

        Assert.Equal(RefreshOutcome.Expired, refreshed.Outcome);
        Assert.Null(refreshed.Tokens);
        Assert.Equal(started.Session.IdleExpiresAt, refreshed.Session!.ExpiresAt);
    }

    [Fact]
    public async Task Refresh_NeverSlidesBeyondTheAbsoluteLifetime()
    {
        var token = (await _sessions.StartAsync(_ada, Ct)).RefreshToken;
        var signedInAt = _time.GetUtcNow();
        for (var step = 0; step < 16; step++)
        {
            _time.Advance(TimeSpan.FromHours(10));
            var refreshed = await _sessions.RefreshAsync(token, Ct);
            Assert.Equal(RefreshOutcome.Succeeded, refreshed.Outcome);
            token = refreshed.Tokens!.RefreshToken;
        }

        // 160 h in: the next refresh would slide to 176 h, but the session ends 7 days (168 h) after sign-in.
        _time.Advance(TimeSpan.FromHours(4));
        var last = await _sessions.RefreshAsync(token, Ct);
        Assert.Equal(RefreshOutcome.Succeeded, last.Outcome);
        Assert.Equal(signedInAt.AddDays(7), last.Tokens!.Session.IdleExpiresAt);
        _time.Advance(TimeSpan.FromHours(4));
        var capped = await _sessions.RefreshAsync(last.Tokens.RefreshToken, Ct);
        Assert.Equal(RefreshOutcome.Expired, capped.Outcome);
        Assert.Equal(signedInAt.AddDays(7), capped.Session!.ExpiresAt);
    }

    [Fact]
    public async Task ReusingASpentRefreshToken_RevokesTheWholeSession()
    {
        var started = await _sessions.StartAsync(_ada, Ct);
        var refreshed = await _sessions.RefreshAsync(started.RefreshToken, Ct);
        Assert.Equal(RefreshOutcome.Succeeded, refreshed.Outcome);
        Assert.NotNull(await _sessions.ValidateAccessTokenAsync(refreshed.Tokens!.AccessToken.AccessToken, Ct));

        var reused = await _sessions.RefreshAsync(started.RefreshToken, Ct);

        Assert.Equal(RefreshOutcome.Reused, reused.Outcome);
        Assert.Equal(SessionService.ReuseReason, reused.Session!.RevokedReason);
        Assert.Equal(RefreshOutcome.Revoked, (await _sessions.RefreshAsync(refreshed.Tokens.RefreshToken, Ct)).Outcome);
        Assert.Null(await _sessions.ValidateAccessTokenAsync(refreshed.Tokens.AccessToken.AccessToken, Ct));
        Assert.Null(await _sessions.ValidateAccessTokenAsync(started.AccessToken.AccessToken, Ct));
        Assert.NotNull((await _sessions.GetAsync("acme", started.Session.Id, Ct))!.RevokedAt);
    }

    [Fact]
    public async Task ConcurrentRefreshesWithTheSameToken_ExactlyOneWins()
    {
        var started = await _sessions.StartAsync(_ada, Ct);
        var other = new SessionService(_catalog, _time, _options, _tokens, _users);

        var results = await Task.WhenAll(
            Task.Run(() => _sessions.RefreshAsync(started.RefreshToken, Ct).AsTask(), Ct),
            Task.Run(() => other.RefreshAsync(started.RefreshToken, Ct).AsTask(), Ct));

        Assert.Single(results, r => r.Outcome == RefreshOutcome.Succeeded);
        Assert.Single(results, r => r.Outcome is RefreshOutcome.Reused or RefreshOutcome.Revoked);
    }

    [Fact]
    public async Task UnknownOrForgedRefreshTokens_AreInvalid_AndEndNothing()
    {
        var started = await _sessions.StartAsync(_ada, Ct);
        var forged = started.RefreshToken[..^4] + (started.RefreshToken.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        Assert.Equal(RefreshOutcome.Invalid, (await _sessions.RefreshAsync(forged, Ct)).Outcome);
        Assert.Equal(RefreshOutcome.Invalid, (await _sessions.RefreshAsync("aosr_nonsense", Ct)).Outcome);
        Assert.Equal(RefreshOutcome.Invalid, (await _sessions.RefreshAsync(started.RefreshToken.Replace("aosr_acme_", "aosr_other_", StringComparison.Ordinal), Ct)).Outcome);
        Assert.Equal(RefreshOutcome.Succeeded, (await _sessions.RefreshAsync(started.RefreshToken, Ct)).Outcome);
    }

    [Fact]
    public async Task RevokedSession_ItsAccessTokensAreRefusedAtOnceHere_AndOnAnotherNodeWithinTheWindow()
    {
        var started = await _sessions.StartAsync(_ada, Ct);
        var otherNode = new SessionService(_catalog, _time, _options, _tokens, _users);
        Assert.NotNull(await otherNode.ValidateAccessTokenAsync(started.AccessToken.AccessToken, Ct));

        var revoked = await _sessions.RevokeAsync("acme", started.Session.Id, "signed out", Ct);

        Assert.Equal("signed out", revoked!.RevokedReason);
        Assert.Null(await _sessions.ValidateAccessTokenAsync(started.AccessToken.AccessToken, Ct));
        Assert.NotNull(await otherNode.ValidateAccessTokenAsync(started.AccessToken.AccessToken, Ct));
        _time.Advance(SessionService.StateRefreshInterval);
        Assert.Null(await otherNode.ValidateAccessTokenAsync(started.AccessToken.AccessToken, Ct));
        Assert.Equal(RefreshOutcome.Revoked, (await _sessions.RefreshAsync(started.RefreshToken, Ct)).Outcome);
    }

    [Fact]
    public async Task Refresh_TakesTheUsersRolesOfNow_AndEndsTheSessionOfADeletedUser()
    {
        var started = await _sessions.StartAsync(_ada, Ct);
        await _users.DeleteAsync("acme", "ada", Ct);
        await _users.CreateAsync(new UserRequest { Username = "ada", Password = Password, Tenant = "acme", Roles = [AosRoles.Guest] }, Ct);

        var refreshed = await _sessions.RefreshAsync(started.RefreshToken, Ct);
        Assert.Equal([AosRoles.Guest], (await _tokens.ValidateAsync(refreshed.Tokens!.AccessToken.AccessToken, Ct))!.Subject.Roles);

        await _users.DeleteAsync("acme", "ada", Ct);
        var ended = await _sessions.RefreshAsync(refreshed.Tokens.RefreshToken, Ct);

        Assert.Equal(RefreshOutcome.Revoked, ended.Outcome);
        Assert.Equal("the user was deleted", ended.Session!.RevokedReason);
    }

    [Fact]
    public async Task RevokedAccessToken_IsRefusedByItsJti_OtherTokensOfTheSessionStillWork()
    {
        var started = await _sessions.StartAsync(_ada, Ct);
        var second = (await _sessions.RefreshAsync(started.RefreshToken, Ct)).Tokens!;
        using var otherNode = new AccessTokenService(_catalog, _time, new AccessTokenOptions());
        Assert.NotNull(await otherNode.ValidateAsync(started.AccessToken.AccessToken, Ct));

        await _tokens.RevokeAsync((await _tokens.ValidateAsync(started.AccessToken.AccessToken, Ct))!, Ct);

        Assert.Null(await _sessions.ValidateAccessTokenAsync(started.AccessToken.AccessToken, Ct));
        Assert.NotNull(await _sessions.ValidateAccessTokenAsync(second.AccessToken.AccessToken, Ct));
        Assert.NotNull(await otherNode.ValidateAsync(started.AccessToken.AccessToken, Ct));
        _time.Advance(AccessTokenService.RevocationRefreshInterval);
        Assert.Null(await otherNode.ValidateAsync(started.AccessToken.AccessToken, Ct));
    }

    [Fact]
    public async Task FindByRefreshToken_CurrentOnly_OrSpentToo()
    {
        var started = await _sessions.StartAsync(_ada, Ct);
        var next = (await _sessions.RefreshAsync(started.RefreshToken, Ct)).Tokens!;

        Assert.Null(await _sessions.FindByRefreshTokenAsync(started.RefreshToken, includeSpent: false, Ct));
        Assert.Equal(started.Session.Id, (await _sessions.FindByRefreshTokenAsync(started.RefreshToken, includeSpent: true, Ct))!.Id);
        Assert.Equal(started.Session.Id, (await _sessions.FindByRefreshTokenAsync(next.RefreshToken, includeSpent: false, Ct))!.Id);
    }

    [Fact]
    public async Task List_OnesOwnOrTheWholeTenant_NewestFirst()
    {
        var first = await _sessions.StartAsync(_ada, Ct);
        _time.Advance(TimeSpan.FromMinutes(1));
        var second = await _sessions.StartAsync(_ada, Ct);
        var bob = await _users.CreateAsync(new UserRequest { Username = "bob", Password = Password, Tenant = "acme" }, Ct);
        await _sessions.StartAsync(bob, Ct);

        var own = await _sessions.ListAsync("acme", "user:acme/ada", Ct).ToListAsync(Ct);
        var all = await _sessions.ListAsync("acme", null, Ct).ToListAsync(Ct);

        Assert.Equal([second.Session.Id, first.Session.Id], own.Select(s => s.Id));
        Assert.Equal(3, all.Count);
        Assert.Empty(await _sessions.ListAsync("globex", null, Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task PurgeEnded_DeletesInEveryTenantTheSessionsEndedLongerAgoThanTheRetention_AndKeepsTheRest()
    {
        await Identity.Create(_catalog, _time).Tenants.CreateAsync(new TenantRequest { Name = "globex" }, Ct);
        var grace = await _users.CreateAsync(new UserRequest { Username = "grace", Password = Password, Tenant = "globex" }, Ct);
        var signedOut = await _sessions.StartAsync(_ada, Ct);
        await _sessions.RevokeAsync("acme", signedOut.Session.Id, "signed out", Ct);
        await _sessions.StartAsync(_ada, Ct); // never refreshed: ends by its idle expiry, 12 h later
        var elsewhere = await _sessions.StartAsync(grace, Ct);
        await _sessions.RevokeAsync("globex", elsewhere.Session.Id, "signed out", Ct);
        _time.Advance(TimeSpan.FromDays(20));
        var recent = await _sessions.StartAsync(_ada, Ct);
        await _sessions.RevokeAsync("acme", recent.Session.Id, "signed out", Ct);
        _time.Advance(TimeSpan.FromDays(10) + TimeSpan.FromHours(12));
        var active = await _sessions.StartAsync(_ada, Ct);

        var purged = await _sessions.PurgeEndedAsync(Ct);

        Assert.Equal(3, purged);
        Assert.Equal([active.Session.Id, recent.Session.Id], (await _sessions.ListAsync("acme", null, Ct).ToListAsync(Ct)).Select(s => s.Id));
        Assert.Empty(await _sessions.ListAsync("globex", null, Ct).ToListAsync(Ct));
        Assert.True(await _sessions.IsActiveAsync("acme", active.Session.Id, Ct));
        Assert.Equal(0, await _sessions.PurgeEndedAsync(Ct));
    }

    [Theory]
    [InlineData("-00:00:01", "01:00:00", "Aos:Auth:Sessions:EndedRetention")]
    [InlineData("30.00:00:00", "00:00:00", "Aos:Auth:Sessions:PurgeInterval")]
    public void RetentionOptions_OutOfRange_AreRefusedNamingTheOption(string retention, string interval, string named)
    {
        var options = new SessionLifetimeOptions
        {
            EndedRetention = TimeSpan.Parse(retention, System.Globalization.CultureInfo.InvariantCulture),
            PurgeInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture),
        };

        var error = Assert.Throws<AosValidationException>(() => new SessionService(_catalog, _time, options, _tokens, _users));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:30", "7.00:00:00", "Aos:Auth:Sessions:IdleTimeout")]
    [InlineData("12:00:00", "400.00:00:00", "Aos:Auth:Sessions:AbsoluteLifetime")]
    [InlineData("2.00:00:00", "1.00:00:00", "Aos:Auth:Sessions:IdleTimeout")]
    public void Options_OutOfRange_AreRefusedNamingTheOption(string idle, string absolute, string named)
    {
        var options = new SessionLifetimeOptions
        {
            IdleTimeout = TimeSpan.Parse(idle, System.Globalization.CultureInfo.InvariantCulture),
            AbsoluteLifetime = TimeSpan.Parse(absolute, System.Globalization.CultureInfo.InvariantCulture),
        };

        var error = Assert.Throws<AosValidationException>(() => new SessionService(_catalog, _time, options, _tokens, _users));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Equal(SessionLifetimeOptions.SectionName, error.Field);
    }
}
