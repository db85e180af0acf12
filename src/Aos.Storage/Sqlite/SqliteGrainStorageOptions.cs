using Orleans.Storage;

namespace Aos.Storage.Sqlite;

/// <summary>Configures one named <see cref="SqliteGrainStorage"/> provider.</summary>
/// <remarks>Configure it as named options with the provider's name, e.g. <c>services.Configure&lt;SqliteGrainStorageOptions&gt;("Default", o => ...)</c>.</remarks>
public sealed class SqliteGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>Gets or sets the serializer that turns grain state into the stored bytes.</summary>
    /// <value>The default is the <see cref="IGrainStorageSerializer"/> Orleans registers (keyed by provider name first), as for Orleans' own providers.</value>
    public IGrainStorageSerializer GrainStorageSerializer { get; set; } = null!;
}
