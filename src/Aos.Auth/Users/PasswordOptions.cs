namespace Aos.Security.Users;

/// <summary>Configures local users' passwords: hashing cost, minimum length and lockout. Bound from <c>Aos:Auth:Passwords</c>.</summary>
public sealed class PasswordOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Auth:Passwords";

    /// <summary>Gets or sets the PBKDF2-HMAC-SHA256 iteration count for new and changed passwords.</summary>
    /// <remarks>A stored hash keeps the count it was made with, so raising it affects new passwords only.</remarks>
    /// <value>The default is 600,000 (OWASP's recommendation for PBKDF2-HMAC-SHA256).</value>
    public int Iterations { get; set; } = 600_000;

    /// <summary>Gets or sets the shortest password accepted.</summary>
    /// <value>The default is 12 characters.</value>
    public int MinimumLength { get; set; } = 12;

    /// <summary>Gets or sets how many wrong passwords in a row lock a user out.</summary>
    /// <value>The default is 5.</value>
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>Gets or sets how long a lockout lasts; even the right password is refused meanwhile.</summary>
    /// <value>The default is 15 minutes.</value>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Checks the options and lists what is wrong, naming each option.</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IEnumerable<string> Validate()
    {
        if (Iterations < 1_000)
        {
            yield return $"Aos:Auth:Passwords:Iterations is {Iterations}; use at least 1,000 (the default is 600,000).";
        }

        if (MinimumLength is < 8 or > 128)
        {
            yield return $"Aos:Auth:Passwords:MinimumLength is {MinimumLength}; use 8 to 128 (the default is 12).";
        }

        if (MaxFailedAttempts < 1)
        {
            yield return $"Aos:Auth:Passwords:MaxFailedAttempts is {MaxFailedAttempts}; use 1 or more (the default is 5).";
        }

        if (LockoutDuration <= TimeSpan.Zero)
        {
            yield return $"Aos:Auth:Passwords:LockoutDuration is {LockoutDuration}; it must be positive (the default is 00:15:00).";
        }
    }
}
