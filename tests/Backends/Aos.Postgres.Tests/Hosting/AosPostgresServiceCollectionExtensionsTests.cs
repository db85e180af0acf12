using Aos.Postgres.Storage;
using Aos.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aos.Postgres.Tests.Hosting;

/// <summary>Checks the registration and options of the PostgreSQL storage backend; none of these tests needs a server (the provider connects on first use).</summary>
public sealed class AosPostgresServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddAosPostgresStorage_Twice_RegistersOneProviderAsIStorageProvider()
    {
        var services = new ServiceCollection();

        services.AddAosPostgresStorage(o => o.ConnectionString = "Host=127.0.0.1;Username=aos;Password=x;Database=aos");
        services.AddAosPostgresStorage(o => o.Schema = "node_1");

        await using var provider = services.BuildServiceProvider();
        var storage = Assert.IsType<PostgresStorageProvider>(provider.GetRequiredService<IStorageProvider>());
        Assert.Same(storage, provider.GetRequiredService<PostgresStorageProvider>());
        Assert.Equal("postgres", storage.Name);
        Assert.Single(services, d => d.ServiceType == typeof(IStorageProvider));
        Assert.Single(services, d => d.ServiceType == typeof(PostgresStorageProvider));
        Assert.Equal("node_1", provider.GetRequiredService<IOptions<PostgresStorageOptions>>().Value.Schema);
    }

    [Fact]
    public async Task AddAosPostgresStorage_WithoutConnectionString_FailsNamingTheOption()
    {
        var services = new ServiceCollection();
        services.AddAosPostgresStorage(_ => { });

        await using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStorageProvider>());
        Assert.Contains("Aos:Storage:Postgres:ConnectionString", error.Message);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Bogus=1", "aos", "Aos:Storage:Postgres:ConnectionString")]
    [InlineData("Username=aos;Database=aos", "aos", "Aos:Storage:Postgres:ConnectionString")]
    [InlineData("Host=127.0.0.1", "Bad-Schema", "Aos:Storage:Postgres:Schema")]
    [InlineData("Host=127.0.0.1", "", "Aos:Storage:Postgres:Schema")]
    public void Validate_InvalidOption_NamesIt(string connectionString, string schema, string option)
    {
        var options = new PostgresStorageOptions { ConnectionString = connectionString, Schema = schema };

        var problem = Assert.Single(options.Validate());

        Assert.StartsWith(option, problem);
        Assert.Throws<ArgumentException>(() => new PostgresStorageProvider(options));
    }

    [Fact]
    public void Validate_ConnectionStringWithPassword_NeverEchoesIt()
    {
        var options = new PostgresStorageOptions { ConnectionString = "Host=127.0.0.1;Password=hunter2;Port=not-a-port" };

        Assert.DoesNotContain("hunter2", string.Join(" ", options.Validate()));
    }

    [Fact]
    public void Options_Defaults_UseSchemaAosAndRequireAConnectionString()
    {
        var options = new PostgresStorageOptions();

        Assert.Equal("aos", options.Schema);
        Assert.Contains(options.Validate(), p => p.StartsWith("Aos:Storage:Postgres:ConnectionString is required", StringComparison.Ordinal));
        options.ConnectionString = "Host=db.internal;Username=aos;Password=x;Database=aos";
        Assert.Empty(options.Validate());
    }
}
