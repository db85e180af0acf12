using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Aos.Storage;

namespace Aos.Security.Users;

/// <summary>Keeps local users and checks their passwords, with lockout after repeated failures.</summary>
/// <remarks>
/// <para>
/// Passwords are hashed with PBKDF2-HMAC-SHA256 (<see cref="PasswordOptions.Iterations"/>, a 16-byte random salt per user) and compared
/// in constant time; a name that does not exist costs the same hash, so timing does not tell which names exist. After
/// <see cref="PasswordOptions.MaxFailedAttempts"/> wrong passwords in a row the user is locked out for
/// <see cref="PasswordOptions.LockoutDuration"/>, during which even the right password is refused; a success resets the count.
/// </para>
/// <para>Users live in the document store <c>aos-identity</c>, partitioned by tenant. Times come from the injected <see cref="TimeProvider"/>. Thread-safe.</para>
/// </remarks>
public sealed class UserService
{
    internal const string Collection = "users";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly StorageCatalog _catalog;
    private readonly TimeProvider _timeProvider;
    private readonly PasswordOptions _options;
    private readonly Roles.RoleService _roles;
    private readonly Lazy<UserDocument> _decoy;

    /// <summary>Initializes a new instance of the <see cref="UserService"/> class.</summary>
    /// <param name="catalog">The named stores.</param>
    /// <param name="timeProvider">The clock of lockouts.</param>
    /// <param name="options">Hashing cost, minimum length, lockout.</param>
    /// <param name="roles">The roles: a user is created only in a tenant that exists, with roles of that tenant.</param>
    /// <exception cref="AosValidationException">The options are not valid; the message names the option.</exception>
    public UserService(StorageCatalog catalog, TimeProvider timeProvider, PasswordOptions options, Roles.RoleService roles)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(roles);
        if (options.Validate().FirstOrDefault() is { } problem)
        {
            throw new AosValidationException(problem) { Field = PasswordOptions.SectionName };
        }

        _catalog = catalog;
        _timeProvider = timeProvider;
        _options = options;
        _roles = roles;

        // Checked against when the name is unknown, so that an unknown name takes as long as a wrong password.
        _decoy = new Lazy<UserDocument>(() => NewDocument("decoy", AosTenants.Default, [], Guid.NewGuid().ToString("N"), DateTimeOffset.UnixEpoch));
    }

    private IDocumentStore Store => _catalog.GetDocumentStore(AosIdentityStore.Name);

    /// <summary>Creates a user.</summary>
    /// <param name="request">Name, password, tenant and roles.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The user.</returns>
    /// <exception cref="AosValidationException">The name, password, tenant (or it does not exist) or a role is not valid; nothing was created.</exception>
    /// <exception cref="StorageConflictException">A user with that name exists in the tenant; nothing was changed.</exception>
    public async ValueTask<User> CreateAsync(UserRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateUsername(request.Username);
        AosTenants.Validate(request.Tenant);
        if (request.Password is null || request.Password.Length < _options.MinimumLength || request.Password.Length > 1024)
        {
            throw new AosValidationException($"The password must be {_options.MinimumLength} to 1024 characters (Aos:Auth:Passwords:MinimumLength).") { Field = "password" };
        }

        await _roles.ValidateAssignableAsync(request.Tenant, request.Roles, cancellationToken).ConfigureAwait(false);

        var document = NewDocument(request.Username, request.Tenant, [.. request.Roles.Distinct(StringComparer.Ordinal)], request.Password, _timeProvider.GetUtcNow());
        await Store.AddAsync(Collection, request.Tenant, request.Username, Serialize(document), cancellationToken).ConfigureAwait(false);
        return document.ToUser();
    }

    /// <summary>Checks a user's password, counting failures towards a lockout.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="username">The user's name.</param>
    /// <param name="password">The password as given.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>Succeeded with the user; invalid (no such user or wrong password, not told apart); or locked out, with until when.</returns>
    public async ValueTask<SignInResult> SignInAsync(string tenant, string username, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(password);
        while (true)
        {
            var stored = IsUsername(username) && IsTenant(tenant) ? await Store.GetAsync(Collection, tenant, username, cancellationToken).ConfigureAwait(false) : null;
            if (stored is null || Deserialize(stored.Document) is not { } document)
            {
                Verify(_decoy.Value, password);
                return new SignInResult(SignInOutcome.Invalid, null, null);
            }

            var now = _timeProvider.GetUtcNow();
            if (document.LockedUntil is { } until && now < until)
            {
                return new SignInResult(SignInOutcome.LockedOut, null, until);
            }

            var right = Verify(document, password);
            var failed = right ? 0 : document.FailedAttempts + 1;
            var next = document with
            {
                FailedAttempts = failed >= _options.MaxFailedAttempts ? 0 : failed,
                LockedUntil = failed >= _options.MaxFailedAttempts ? now + _options.LockoutDuration : null,
            };
            if (next != document)
            {
                try
                {
                    await Store.UpsertAsync(Collection, tenant, username, Serialize(next), stored.ETag, cancellationToken).ConfigureAwait(false);
                }
                catch (StorageConflictException)
                {
                    // Another sign-in changed the counters meanwhile: check again against what it wrote.
                    continue;
                }
            }

            return right
                ? new SignInResult(SignInOutcome.Succeeded, next.ToUser(), null)
                : next.LockedUntil is { } locked ? new SignInResult(SignInOutcome.LockedOut, null, locked) : new SignInResult(SignInOutcome.Invalid, null, null);
        }
    }

    /// <summary>Lists a tenant's users, by name.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The users.</returns>
    public async IAsyncEnumerable<User> ListAsync(string tenant, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        AosTenants.Validate(tenant);
        var users = new List<User>();
        await foreach (var stored in Store.QueryAsync(Collection, tenant, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (Deserialize(stored.Document) is { } document)
            {
                users.Add(document.ToUser());
            }
        }

        foreach (var user in users.OrderBy(u => u.Username, StringComparer.Ordinal))
        {
            yield return user;
        }
    }

    /// <summary>Gets a user.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="username">The user's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The user, or <see langword="null"/> when the tenant has none with that name.</returns>
    public async ValueTask<User?> GetAsync(string tenant, string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(username);
        return IsUsername(username) && IsTenant(tenant) && await Store.GetAsync(Collection, tenant, username, cancellationToken).ConfigureAwait(false) is { } stored
            ? Deserialize(stored.Document)?.ToUser()
            : null;
    }

    /// <summary>Deletes a user.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="username">The user's name.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when the user existed.</returns>
    public async ValueTask<bool> DeleteAsync(string tenant, string username, CancellationToken cancellationToken = default) =>
        IsUsername(username) && IsTenant(tenant) && await Store.DeleteAsync(Collection, tenant, username, cancellationToken: cancellationToken).ConfigureAwait(false);

    private UserDocument NewDocument(string username, string tenant, string[] roles, string password, DateTimeOffset now)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, _options.Iterations, HashAlgorithmName.SHA256, HashBytes);
        return new UserDocument(username, tenant, roles, now, Convert.ToBase64String(salt), Convert.ToBase64String(hash), _options.Iterations, 0, null);
    }

    private static bool Verify(UserDocument document, string password)
    {
        var expected = Convert.FromBase64String(document.Hash);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, Convert.FromBase64String(document.Salt), document.Iterations, HashAlgorithmName.SHA256, HashBytes);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    private static void ValidateUsername(string? username)
    {
        if (username is null || !IsUsername(username))
        {
            throw new AosValidationException($"The username '{username}' is not valid: use 1 to 64 lowercase letters, digits, '.', '_' and '-'.") { Field = "username" };
        }
    }

    private static bool IsUsername(string username) =>
        username.Length is > 0 and <= 64 && username.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-');

    private static bool IsTenant(string tenant)
    {
        try
        {
            AosTenants.Validate(tenant);
            return true;
        }
        catch (AosValidationException)
        {
            return false;
        }
    }

    private static JsonElement Serialize(UserDocument document) => JsonSerializer.SerializeToElement(document, ApiKeys.AuthJsonContext.Default.UserDocument);

    private static UserDocument? Deserialize(JsonElement document) => document.Deserialize(ApiKeys.AuthJsonContext.Default.UserDocument);
}
