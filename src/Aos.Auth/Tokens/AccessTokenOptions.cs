namespace Aos.Security.Tokens;

/// <summary>Configures the access tokens AOS issues: who issues them, for whom, and for how long. Bound from <c>Aos:Auth:Tokens</c>.</summary>
public sealed class AccessTokenOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Auth:Tokens";

    /// <summary>Gets or sets the issuer (<c>iss</c>) of the tokens, checked on validation.</summary>
    /// <value>The default is <c>aos</c>.</value>
    public string Issuer { get; set; } = "aos";

    /// <summary>Gets or sets the audience (<c>aud</c>) of the tokens, checked on validation.</summary>
    /// <value>The default is <c>aos</c>.</value>
    public string Audience { get; set; } = "aos";

    /// <summary>Gets or sets how long a token is valid after it is issued.</summary>
    /// <value>The default is 15 minutes.</value>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets how far a token's times may be off the validating node's clock (nodes' clocks differ a little).</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the options and lists what is wrong, naming each option.</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Issuer))
        {
            yield return "Aos:Auth:Tokens:Issuer must not be empty.";
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            yield return "Aos:Auth:Tokens:Audience must not be empty.";
        }

        if (Lifetime < TimeSpan.FromSeconds(30) || Lifetime > TimeSpan.FromHours(24))
        {
            yield return $"Aos:Auth:Tokens:Lifetime is {Lifetime}; use 00:00:30 to 24:00:00 (short-lived tokens; the default is 00:15:00).";
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(5))
        {
            yield return $"Aos:Auth:Tokens:ClockSkew is {ClockSkew}; use 00:00:00 to 00:05:00.";
        }
    }
}
