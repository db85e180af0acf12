using Aos.Security;
using Aos.Security.Users;
using Aos.Storage;
using Aos.Storage.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aos.Auth.Tests;

/// <summary>Local users: salted PBKDF2 hashes, constant answers for unknown names, and lockout after repeated failures, on a fake clock.</summary>
public sealed class UserServiceTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aos-users-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private SqliteDatabase _database = null!;
    private StorageCatalog _catalog = null!;
    private UserService _users = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _database = new SqliteDatabase(new SqliteStorageOptions { DataDirectory = _directory });
        _catalog = new StorageCatalog([new SqliteStorageProvider(_database, _time)], Options.Create(new StorageOptions()));
        _users = new UserService(_catalog, _time, new PasswordOptions { Iterations = 1_000, MaxFailedAttempts = 3, LockoutDuration = TimeSpan.FromMinutes(15) }, Identity.Create(_catalog, _time).Roles);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task SignIn_RightPassword_Succeeds_WrongOrUnknown_IsInvalid()
    {
        await _users.CreateAsync(new UserRequest { Username = "ada", Password = Password, Roles = [AosRoles.AgentManager] }, Ct);

        var right = await _users.SignInAsync("default", "ada", Password, Ct);
        var wrong = await _users.SignInAsync("default", "ada", Password + "!", Ct);
        var unknown = await _users.SignInAsync("default", "bob", Password, Ct);
        var otherTenant = await _users.SignInAsync("acme", "ada", Password, Ct);

        Assert.Equal(SignInOutcome.Succeeded, right.Outcome);
        Assert.Equal(("ada", "default", AosRoles.AgentManager), (right.User!.Username, right.User.Tenant, right.User.Roles.Single()));
        Assert.Equal(SignInOutcome.Invalid, wrong.Outcome);
        Assert.Equal(SignInOutcome.Invalid, unknown.Outcome);
        Assert.Equal(SignInOutcome.Invalid, otherTenant.Outcome);
    }

    [Fact]
    public async Task RepeatedFailures_LockTheUserOut_EvenForTheRightPassword_UntilTheLockoutEnds()
    {
        await _users.CreateAsync(new UserRequest { Username = "ada", Password = Password }, Ct);

        Assert.Equal(SignInOutcome.Invalid, (await _users.SignInAsync("default", "ada", "wrong-1-password", Ct)).Outcome);
        Assert.Equal(SignInOutcome.Invalid, (await _users.SignInAsync("default", "ada", "wrong-2-password", Ct)).Outcome);
        var third = await _users.SignInAsync("default", "ada", "wrong-3-password", Ct);
        Assert.Equal(SignInOutcome.LockedOut, third.Outcome);
        Assert.Equal(_time.GetUtcNow().AddMinutes(15), third.LockedUntil);

        _time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(SignInOutcome.LockedOut, (await _users.SignInAsync("default", "ada", Password, Ct)).Outcome);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(SignInOutcome.Succeeded, (await _users.SignInAsync("default", "ada", Password, Ct)).Outcome);
    }

    [Fact]
    public async Task ASuccess_ResetsTheFailureCount()
    {
        await _users.CreateAsync(new UserRequest { Username = "ada", Password = Password }, Ct);

        for (var round = 0; round < 3; round++)
        {
            await _users.SignInAsync("default", "ada", "wrong-password-x", Ct);
            await _users.SignInAsync("default", "ada", "wrong-password-y", Ct);
            Assert.Equal(SignInOutcome.Succeeded, (await _users.SignInAsync("default", "ada", Password, Ct)).Outcome);
        }
    }

    [Fact]
    public async Task StoredUser_HoldsASaltedHash_NeverThePassword()
    {
        await _users.CreateAsync(new UserRequest { Username = "ada", Password = Password }, Ct);
        await _users.CreateAsync(new UserRequest { Username = "bob", Password = Password }, Ct);

        var store = _catalog.GetDocumentStore(AosIdentityStore.Name);
        var ada = (await store.GetAsync("users", "default", "ada", Ct))!.Document;
        var bob = (await store.GetAsync("users", "default", "bob", Ct))!.Document;

        Assert.DoesNotContain(Password, ada.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(1_000, ada.GetProperty("iterations").GetInt32());
        Assert.NotEqual(ada.GetProperty("hash").GetString(), bob.GetProperty("hash").GetString());
        Assert.Equal(["ada", "bob"], (await _users.ListAsync("default", Ct).ToListAsync(Ct)).Select(u => u.Username));
    }

    [Theory]
    [InlineData("Ada", Password, "user", "username")]
    [InlineData("ada smith", Password, "user", "username")]
    [InlineData("ada", "short", "user", "password")]
    [InlineData("ada", Password, "root", "roles")]
    public async Task Create_BadInput_IsRefusedNamingTheField(string username, string password, string role, string field)
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(async () =>
            await _users.CreateAsync(new UserRequest { Username = username, Password = password, Roles = [role] }, Ct));

        Assert.Equal(field, error.Field);
        Assert.Empty(await _users.ListAsync("default", Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task Create_SameNameTwice_IsAConflict_AndDeleteRemovesTheUser()
    {
        await _users.CreateAsync(new UserRequest { Username = "ada", Password = Password }, Ct);

        await Assert.ThrowsAsync<StorageConflictException>(async () => await _users.CreateAsync(new UserRequest { Username = "ada", Password = Password + "2" }, Ct));
        Assert.True(await _users.DeleteAsync("default", "ada", Ct));
        Assert.False(await _users.DeleteAsync("default", "ada", Ct));
        Assert.Equal(SignInOutcome.Invalid, (await _users.SignInAsync("default", "ada", Password, Ct)).Outcome);
    }
}
