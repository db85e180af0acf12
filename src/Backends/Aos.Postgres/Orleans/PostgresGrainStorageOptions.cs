using Orleans.Storage;

namespace Aos.Postgres.Orleans;

/// <summary>Configures one named <see cref="PostgresGrainStorage"/> provider.</summary>
/// <remarks>Configure it as named options with the provider's name, e.g. <c>services.Configure&lt;PostgresGrainStorageOptions&gt;("Default", o => ...)</c>.</remarks>
public sealed class PostgresGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>Gets or sets the serializer that turns grain state into the stored bytes.</summary>
    /// <value>The default is the <see cref="IGrainStorageSerializer"/> Orleans registers (keyed by provider name first), as for Orleans' own providers.</value>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;

    /// <summary>Gets or sets how long the row a cleared state leaves (its version, no data) is kept before a sweep deletes it, by the server's clock.</summary>
    /// <value>The default is 7 days; <see langword="null"/> keeps every such row. At least 1 hour.</value>
    /// <remarks>
    /// The row keeps the cleared state's version, so that an activation still holding an ETag from before the clear gets a conflict
    /// rather than overwriting; once no activation can hold one (Orleans deactivates an idle grain within hours), the row is only
    /// growth: one per workflow run, state machine instance, approval or agent ever forgotten or deleted.
    /// </remarks>
    public TimeSpan? ClearedStateRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets how often each silo sweeps the rows of states cleared longer ago than <see cref="ClearedStateRetention"/>.</summary>
    /// <value>The default is 1 hour.</value>
    public TimeSpan ClearedStateSweepInterval { get; set; } = TimeSpan.FromHours(1);
}
