using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Cli.Commands;

namespace Aos.Cli.Tests;

public sealed class RegistrationFileTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Read_JsonObject_ReturnsTheAgent()
    {
        var file = _files.Write("one.json", """{"id":"a1","type":"echo","capabilities":["x"]}""");

        var node = RegistrationFile.Read(file);

        var agent = Assert.IsType<JsonObject>(node);
        Assert.Equal("a1", agent["id"]!.GetValue<string>());
        Assert.Equal("echo", agent["type"]!.GetValue<string>());
        Assert.Equal("x", agent["capabilities"]![0]!.GetValue<string>());
    }

    [Fact]
    public void Read_JsonArray_ReturnsEveryAgent()
    {
        var file = _files.Write("many.json", """[{"id":"a1","type":"echo"},{"id":"a2","type":"purpose"}]""");

        var agents = Assert.IsType<JsonArray>(RegistrationFile.Read(file));

        Assert.Equal(["a1", "a2"], agents.Select(a => a!["id"]!.GetValue<string>()));
    }

    [Fact]
    public void Read_JsonAgentsWrapper_ReturnsTheList()
    {
        var file = _files.Write("wrapped.json", """{"agents":[{"id":"a1","type":"echo"},{"id":"a2","type":"echo"},{"id":"a3","type":"echo"}]}""");

        var agents = Assert.IsType<JsonArray>(RegistrationFile.Read(file));

        Assert.Equal(["a1", "a2", "a3"], agents.Select(a => a!["id"]!.GetValue<string>()));
    }

    [Fact]
    public void Read_JsonWithoutExtension_IsReadAsJson()
    {
        var file = _files.Write("agents", """  [{"id":"a1","type":"echo"}]""");

        var agents = Assert.IsType<JsonArray>(RegistrationFile.Read(file));

        Assert.Single(agents);
    }

    [Fact]
    public void Read_YamlList_ReturnsEveryAgent()
    {
        var file = _files.Write("many.yaml", """
            - id: y1
              type: echo
              capabilities: [greet, say]
            - id: y2
              type: purpose
              purpose: Keeps the books.
            """);

        var agents = Assert.IsType<JsonArray>(RegistrationFile.Read(file));

        Assert.Equal(2, agents.Count);
        Assert.Equal("y1", agents[0]!["id"]!.GetValue<string>());
        Assert.Equal(["greet", "say"], agents[0]!["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("Keeps the books.", agents[1]!["purpose"]!.GetValue<string>());
    }

    [Fact]
    public void Read_YamlAgentsWrapper_ReturnsTheList()
    {
        var file = _files.Write("wrapped.yml", """
            agents:
              - id: y1
                type: echo
              - id: y2
                type: echo
            """);

        var agents = Assert.IsType<JsonArray>(RegistrationFile.Read(file));

        Assert.Equal(["y1", "y2"], agents.Select(a => a!["id"]!.GetValue<string>()));
    }

    [Fact]
    public void Read_YamlScalars_KeepTheirTypes()
    {
        var file = _files.Write("typed.yaml", """
            id: typed
            type: echo
            config:
              count: 42
              ratio: 0.5
              enabled: true
              disabled: false
              nothing: null
              tilde: ~
              quotedNumber: "42"
              singleQuotedBool: 'true'
              block: |
                line one
              text: hello world
            """);

        var config = Assert.IsType<JsonObject>(RegistrationFile.Read(file))["config"]!.AsObject();

        Assert.Equal(JsonValueKind.Number, config["count"]!.GetValueKind());
        Assert.Equal(42L, config["count"]!.GetValue<long>());
        Assert.Equal(0.5, config["ratio"]!.GetValue<double>());
        Assert.Equal(JsonValueKind.True, config["enabled"]!.GetValueKind());
        Assert.Equal(JsonValueKind.False, config["disabled"]!.GetValueKind());
        Assert.True(config.ContainsKey("nothing"));
        Assert.Null(config["nothing"]);
        Assert.Null(config["tilde"]);
        Assert.Equal(JsonValueKind.String, config["quotedNumber"]!.GetValueKind());
        Assert.Equal("42", config["quotedNumber"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.String, config["singleQuotedBool"]!.GetValueKind());
        Assert.Equal("true", config["singleQuotedBool"]!.GetValue<string>());
        Assert.Equal("hello world", config["text"]!.GetValue<string>());
        Assert.Equal("line one\n", config["block"]!.GetValue<string>());
    }

    [Fact]
    public void Read_YamlWithoutExtension_IsReadAsYaml()
    {
        var file = _files.Write("agents.txt", "id: plain\ntype: echo\n");

        var agent = Assert.IsType<JsonObject>(RegistrationFile.Read(file));

        Assert.Equal("plain", agent["id"]!.GetValue<string>());
    }

    [Fact]
    public void Read_MissingFile_ThrowsUsageError()
    {
        var file = _files.Missing("nowhere.json");

        var error = Assert.Throws<CliException>(() => RegistrationFile.Read(file));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("file not found", error.Message);
    }

    [Theory]
    [InlineData("""{"id":"a1", "type": """)]
    [InlineData("""{"id":"a1", "id":"a2"}""")]
    [InlineData("""[{"id":"a1",}]""")]
    public void Read_MalformedJson_ThrowsUsageErrorNamingTheFile(string json)
    {
        var file = _files.Write("broken.json", json);

        var error = Assert.Throws<CliException>(() => RegistrationFile.Read(file));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("broken.json is not valid JSON", error.Message);
    }

    [Theory]
    [InlineData("id: [a1\ntype: echo\n")]
    [InlineData("id: \"a1\ntype: echo\n")]
    [InlineData("- id: a1\n type: echo\n  - x\n")]
    [InlineData("id: a1\nid: a2\n")]
    [InlineData("? [a, b]\n: c\n")]
    public void Read_MalformedYaml_ThrowsUsageErrorNamingTheFile(string yaml)
    {
        var file = _files.Write("broken.yaml", yaml);

        var error = Assert.Throws<CliException>(() => RegistrationFile.Read(file));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("broken.yaml is not valid YAML", error.Message);
    }

    [Theory]
    [InlineData("scalar.json", "42")]
    [InlineData("scalar.yaml", "just text")]
    [InlineData("empty.yaml", "")]
    public void Read_NeitherObjectNorList_ThrowsUsageError(string name, string content)
    {
        var file = _files.Write(name, content);

        var error = Assert.Throws<CliException>(() => RegistrationFile.Read(file));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("must hold an agent object, a list of agents, or {agents: [...]}", error.Message);
    }
}
