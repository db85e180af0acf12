namespace Aos.Security.Users;

/// <summary>Describes a local user, without anything about the password.</summary>
/// <param name="Username">The user's name, unique in its tenant.</param>
/// <param name="Tenant">The tenant.</param>
/// <param name="Roles">The user's roles.</param>
/// <param name="CreatedAt">When the user was created.</param>
/// <param name="LockedUntil">Until when the user is locked out after wrong passwords; <see langword="null"/> when not.</param>
public sealed record User(string Username, string Tenant, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset? LockedUntil);

/// <summary>Asks for a new local user.</summary>
public sealed record UserRequest
{
    /// <summary>Gets the user's name: 1 to 64 lowercase letters, digits, <c>.</c>, <c>_</c> and <c>-</c>.</summary>
    public required string Username { get; init; }

    /// <summary>Gets the password; never stored, only its salted PBKDF2 hash.</summary>
    public required string Password { get; init; }

    /// <summary>Gets the tenant.</summary>
    public string Tenant { get; init; } = AosTenants.Default;

    /// <summary>Gets the user's roles.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [AosRoles.User];
}

/// <summary>How a password check ended.</summary>
public enum SignInOutcome
{
    /// <summary>The user exists and the password is right.</summary>
    Succeeded,

    /// <summary>No such user, or the wrong password (the two are not told apart).</summary>
    Invalid,

    /// <summary>Too many wrong passwords in a row: refused until the lockout ends, whatever the password.</summary>
    LockedOut,
}

/// <summary>The result of a password check.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="User">The user, when it succeeded.</param>
/// <param name="LockedUntil">When the lockout ends, when locked out.</param>
public sealed record SignInResult(SignInOutcome Outcome, User? User, DateTimeOffset? LockedUntil);

/// <summary>The stored form of a user: the salted PBKDF2-HMAC-SHA256 hash of the password with its iteration count, and the lockout counters.</summary>
internal sealed record UserDocument(
    string Username,
    string Tenant,
    string[] Roles,
    DateTimeOffset CreatedAt,
    string Salt,
    string Hash,
    int Iterations,
    int FailedAttempts,
    DateTimeOffset? LockedUntil)
{
    public User ToUser() => new(Username, Tenant, Roles, CreatedAt, LockedUntil);
}
