namespace Aos.Hosting;

/// <summary>Configures an AOS node. Bound from the <c>Aos</c> configuration section.</summary>
public sealed class AosOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos";

    /// <summary>Gets or sets the directory that holds AOS's data (the embedded SQLite database).</summary>
    /// <value>The default is <c>.aos</c> in the current directory.</value>
    public string DataDirectory { get; set; } = ".aos";

    /// <summary>Gets or sets the Orleans silo-to-silo port; 0 picks a free port.</summary>
    /// <value>The default is 0.</value>
    public int SiloPort { get; set; }

    /// <summary>Gets or sets the Orleans client gateway port; 0 picks a free port.</summary>
    /// <value>The default is 0.</value>
    public int GatewayPort { get; set; }

    /// <summary>Gets or sets the Orleans cluster id; nodes with the same id form one cluster.</summary>
    /// <value>The default is <c>aos</c>.</value>
    public string ClusterId { get; set; } = "aos";

    /// <summary>Gets or sets the Orleans service id, which keys durable state; keep it stable across deployments.</summary>
    /// <value>The default is <c>aos</c>.</value>
    public string ServiceId { get; set; } = "aos";

    /// <summary>Gets the data directory as a full path.</summary>
    /// <returns>The full path.</returns>
    public string GetDataDirectoryPath() => Path.GetFullPath(DataDirectory);
}
