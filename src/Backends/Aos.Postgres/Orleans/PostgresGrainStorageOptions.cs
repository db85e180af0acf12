using Orleans.Storage;

namespace Aos.Postgres.Orleans;

/// <summary>Configures one named <see cref="PostgresGrainStorage"/> provider.</summary>
/// <remarks>Configure it as named options with the provider's name, e.g. <c>services.Configure&lt;PostgresGrainStorageOptions&gt;("Default", o => ...)</c>.</remarks>
public sealed class PostgresGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>Gets or sets the serializer that turns grain state into the stored bytes.</summary>
    /// <value>The default is the <see cref="IGrainStorageSerializer"/> Orleans registers (keyed by provider name first), as for Orleans' own providers.</value>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;
}
