namespace Aos.Security.Sessions;

/// <summary>Configures server-side sign-in sessions: how long one lasts unused, and at most. Bound from <c>Aos:Auth:Sessions</c>.</summary>
public sealed class SessionLifetimeOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Auth:Sessions";

    /// <summary>Gets or sets how long a session lives without a refresh; each refresh starts the window again (sliding expiry).</summary>
    /// <value>The default is 12 hours.</value>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Gets or sets how long a session lives at most after sign-in, however often it is refreshed (absolute expiry).</summary>
    /// <value>The default is 7 days.</value>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets how long an ended session (revoked, or past its expiry) is kept, listed with its reason, before it is deleted.</summary>
    /// <value>The default is 30 days.</value>
    public TimeSpan EndedRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Gets or sets how often each node deletes the sessions ended longer ago than <see cref="EndedRetention"/>.</summary>
    /// <value>The default is 1 hour.</value>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Checks the options and lists what is wrong, naming each option.</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IEnumerable<string> Validate()
    {
        if (IdleTimeout < TimeSpan.FromMinutes(1) || IdleTimeout > TimeSpan.FromDays(30))
        {
            yield return $"Aos:Auth:Sessions:IdleTimeout is {IdleTimeout}; use 00:01:00 to 30.00:00:00 (the default is 12:00:00).";
        }

        if (AbsoluteLifetime < TimeSpan.FromMinutes(1) || AbsoluteLifetime > TimeSpan.FromDays(365))
        {
            yield return $"Aos:Auth:Sessions:AbsoluteLifetime is {AbsoluteLifetime}; use 00:01:00 to 365.00:00:00 (the default is 7.00:00:00).";
        }
        else if (IdleTimeout > AbsoluteLifetime)
        {
            yield return $"Aos:Auth:Sessions:IdleTimeout ({IdleTimeout}) is longer than Aos:Auth:Sessions:AbsoluteLifetime ({AbsoluteLifetime}); make it shorter or equal.";
        }

        if (EndedRetention < TimeSpan.Zero || EndedRetention > TimeSpan.FromDays(3650))
        {
            yield return $"Aos:Auth:Sessions:EndedRetention is {EndedRetention}; use 00:00:00 to 3650.00:00:00 (the default is 30.00:00:00).";
        }

        if (PurgeInterval < TimeSpan.FromMinutes(1) || PurgeInterval > TimeSpan.FromDays(1))
        {
            yield return $"Aos:Auth:Sessions:PurgeInterval is {PurgeInterval}; use 00:01:00 to 1.00:00:00 (the default is 01:00:00).";
        }
    }
}
