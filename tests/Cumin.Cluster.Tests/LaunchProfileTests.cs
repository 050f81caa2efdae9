using System.Text.Json;
using System.Text.RegularExpressions;
using Cumin.Cluster.Tests.TestSupport;

namespace Cumin.Cluster.Tests;

/// <summary>
/// `make stack` then `dotnet run --project …` (or an IDE's run button): each program's launch profile must reach the
/// servers where scripts/stack.sh starts them for `make run`, and set only configuration the program reads.
/// </summary>
public sealed partial class LaunchProfileTests
{
    public static TheoryData<string> Programs => ["Cumin.Silo", "Cumin.Api", "Cumin.Lambdas.LocalRunner"];

    private static readonly string StackScript = File.ReadAllText(Repository.PathOf("scripts", "stack.sh"));

    private static readonly string RunScript = File.ReadAllText(Repository.PathOf("scripts", "run.sh"));

    private static Dictionary<string, string> Environment(string project, out JsonElement profile)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Repository.PathOf(project, "Properties", "launchSettings.json")));
        profile = Assert.Single(document.RootElement.GetProperty("profiles").EnumerateObject()).Value.Clone();
        Assert.Equal("Project", profile.GetProperty("commandName").GetString());
        return profile.GetProperty("environmentVariables").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }

    /// <summary>The port stack.sh gives a server in `run` mode, e.g. <c>CUMIN_DYNAMODB_PORT:-8000</c>.</summary>
    private static string StackPort(string variable) => Regex.Match(StackScript, $@"\${{{variable}:-(\d+)}}").Groups[1].Value;

    [Theory]
    [MemberData(nameof(Programs))]
    public void Launch_profile_points_at_the_local_servers_of_make_stack(string project)
    {
        var environment = Environment(project, out _);

        Assert.Equal("Development", environment["DOTNET_ENVIRONMENT"]);
        Assert.Equal($"http://127.0.0.1:{StackPort("CUMIN_DYNAMODB_PORT")}", environment["AWS_ENDPOINT_URL_DYNAMODB"]);
        Assert.Equal($"http://127.0.0.1:{StackPort("CUMIN_FAUXQS_PORT")}", environment["AWS_ENDPOINT_URL_SQS"]);
        Assert.Equal($"http://127.0.0.1:{StackPort("CUMIN_FAUXQS_PORT")}", environment["AWS_ENDPOINT_URL_S3"]);
        Assert.Contains($"Port={StackPort("CUMIN_POSTGRES_PORT")};", environment["ConnectionStrings__Postgres"], StringComparison.Ordinal);
        foreach (var line in StackScript.Split('\n').Where(l => l.StartsWith("export AWS_", StringComparison.Ordinal) && !l.Contains("ENDPOINT", StringComparison.Ordinal)))
        {
            var (name, value) = (line["export ".Length..line.IndexOf('=', StringComparison.Ordinal)], line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            Assert.Equal(value, environment[name]);
        }
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Launch_profile_sets_only_configuration_the_program_reads(string project)
    {
        var configuration = ProgramConfiguration.ForProject(project);

        Assert.DoesNotContain(Environment(project, out _).Keys, key => !configuration.Reads(key));
    }

    [Theory]
    [InlineData("Cumin.Api", "CUMIN_API_URL")]
    [InlineData("Cumin.Silo", "CUMIN_SILO_URL")]
    public void Web_programs_listen_where_make_run_puts_them(string project, string variable)
    {
        Environment(project, out var profile);

        Assert.Equal(Regex.Match(RunScript, $@"\${{{variable}:-([^}}]+)}}").Groups[1].Value, profile.GetProperty("applicationUrl").GetString());
    }
}
