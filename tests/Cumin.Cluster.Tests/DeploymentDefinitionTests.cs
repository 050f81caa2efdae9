using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Cumin.Cluster.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Cumin.Cluster.Tests;

/// <summary>
/// There is no Docker engine nor AWS account here, so docker-compose.yml, the Dockerfiles and the CloudFormation
/// template are checked against the programs instead: every environment variable is a configuration key the program
/// reads, every port is one it listens on, every DLL one the build produces, every health check path one that answers
/// (the cluster fixture waits on the same paths on real processes), every shutdown window longer than the program's.
/// </summary>
public sealed partial class DeploymentDefinitionTests
{
    private static readonly string[] Programs = ["Cumin.Silo", "Cumin.Api", "Cumin.Lambdas.LocalRunner"];

    private static readonly YamlMappingNode Compose = Yaml.Load(Repository.PathOf("docker-compose.yml"));

    private static readonly YamlMappingNode Template = Yaml.Load(Repository.PathOf("deploy", "cumin.yaml"));

    public static TheoryData<string> ProgramNames => [.. Programs];

    // ------------------------------------------------------------------ docker-compose.yml

    [Fact]
    public void Compose_gives_each_program_only_configuration_it_reads()
    {
        var unknown = new List<string>();
        var built = 0;
        foreach (var (name, service) in Compose.Get("services").Entries())
        {
            if (ComposeProject(service) is not { } project)
            {
                continue;
            }

            built++;
            var configuration = ProgramConfiguration.ForProject(project);
            unknown.AddRange(service.Get("environment").Merged().Keys.Where(k => !configuration.Reads(k)).Select(k => $"{name}: {k}"));
        }

        Assert.Equal(3, built);
        Assert.Empty(unknown);
    }

    [Fact]
    public void Compose_builds_each_program_from_its_dockerfile()
    {
        var projects = Compose.Get("services").Entries().Select(s => ComposeProject(s.Value)).OfType<string>().Order().ToList();
        Assert.Equal(Programs.Order().ToList(), projects);
        foreach (var (_, service) in Compose.Get("services").Entries().Where(s => s.Value.Get("build") is not null))
        {
            Assert.Equal(".", service.Get("build").Get("context").Scalar());
            Assert.True(File.Exists(Repository.PathOf(service.Get("build").Get("dockerfile").Scalar()!)));
        }
    }

    [Fact]
    public void Compose_exposes_the_ports_the_silos_and_apis_listen_on_and_nginx_proxies_to_them()
    {
        var silo = ComposeService("Cumin.Silo");
        var siloEnvironment = silo.Get("environment").Merged();
        var siloExposed = silo.Get("expose").Items().Select(i => i.Scalar()).ToHashSet();
        foreach (var key in new[] { "ASPNETCORE_HTTP_PORTS", "Cumin__Orleans__SiloPort", "Cumin__Orleans__GatewayPort" })
        {
            Assert.Contains(siloEnvironment[key].Scalar(), siloExposed);
        }

        var api = ComposeService("Cumin.Api");
        var apiPort = api.Get("environment").Merged()["ASPNETCORE_HTTP_PORTS"].Scalar();
        Assert.Contains(apiPort, api.Get("expose").Items().Select(i => i.Scalar()));

        // The one template make cluster renders too, rendered by the image's entrypoint into /etc/nginx/nginx.conf.
        var nginxService = Compose.Get("services").Get("nginx")!;
        var mount = nginxService.Get("volumes").Items().Single().Scalar()!.Split(':');
        Assert.Equal("./" + NginxTemplate.RelativePath, mount[0]);
        Assert.Equal("/etc/nginx/templates/nginx.conf.template", mount[1]);
        var nginxEnvironment = nginxService.Get("environment").Merged().ToDictionary(e => e.Key, e => e.Value.Scalar()!);
        Assert.Equal("/etc/nginx", nginxEnvironment["NGINX_ENVSUBST_OUTPUT_DIR"]);
        var filter = new Regex(nginxEnvironment["NGINX_ENVSUBST_FILTER"]);
        var nginx = NginxTemplate.Render(nginxEnvironment.Where(e => filter.IsMatch(e.Key)));
        Assert.DoesNotContain("${CUMIN_", nginx, StringComparison.Ordinal);
        var upstreamPorts = UpstreamServer().Matches(nginx).Select(m => m.Groups["port"].Value).Distinct().ToList();
        Assert.Equal([apiPort!], upstreamPorts);
        var listen = ListenPort().Match(nginx).Groups["port"].Value;
        Assert.Equal(listen, nginxService.Get("ports").Items().Single().Scalar()!.Split(':')[^1]);
        Assert.Contains("proxy_set_header Upgrade $http_upgrade", nginx, StringComparison.Ordinal);
        Assert.Contains("X-Forwarded-For", nginx, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_stop_grace_periods_outlast_the_programs_shutdown_timeouts()
    {
        foreach (var project in new[] { "Cumin.Silo", "Cumin.Api" })
        {
            var service = ComposeService(project);
            var grace = TimeSpan.FromSeconds(int.Parse(service.Get("stop_grace_period").Scalar()!.TrimEnd('s'), CultureInfo.InvariantCulture));
            var shutdown = TimeSpan.Parse(service.Get("environment").Merged()["Cumin__ShutdownTimeout"].Scalar()!, CultureInfo.InvariantCulture);
            Assert.True(grace >= shutdown + TimeSpan.FromSeconds(5), $"{project}: stop_grace_period {grace} must outlast Cumin:ShutdownTimeout {shutdown}");
        }
    }

    // ------------------------------------------------------------------ Dockerfiles

    [Theory]
    [MemberData(nameof(ProgramNames))]
    public void Dockerfile_builds_with_the_sdk_and_runs_the_programs_dll_on_the_runtime_image_as_a_non_root_user(string project)
    {
        var lines = Dockerfile(project);
        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        if (project == "Cumin.Api")
        {
            // The API serves the web app: Node builds it into Cumin.Api/wwwroot before the SDK publishes it along.
            Assert.Equal("FROM node:20-bookworm-slim AS web", froms[0]);
            Assert.Contains("COPY --from=web /src/Cumin.Api/wwwroot Cumin.Api/wwwroot", lines);
            froms.RemoveAt(0);
        }

        Assert.Equal("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", froms[0]);
        Assert.Equal(project == "Cumin.Lambdas.LocalRunner" ? "FROM mcr.microsoft.com/dotnet/runtime:10.0" : "FROM mcr.microsoft.com/dotnet/aspnet:10.0", froms[^1]);

        var publish = lines.Single(l => l.Contains("dotnet publish", StringComparison.Ordinal));
        Assert.Contains($" {project}/{project}.csproj ", publish, StringComparison.Ordinal);
        Assert.True(File.Exists(Repository.PathOf(project, project + ".csproj")));

        Assert.Equal($"ENTRYPOINT [\"dotnet\", \"{project}.dll\"]", lines.Single(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal)));
        Assert.True(File.Exists(Repository.Program(project)), $"{project}.dll is what the project builds");

        var finalStage = lines.SkipWhile(l => l != froms[^1]).ToList();
        Assert.Contains("USER $APP_UID", finalStage);
        Assert.Contains(finalStage, l => l.StartsWith("HEALTHCHECK", StringComparison.Ordinal));
        Assert.Contains("STOPSIGNAL SIGTERM", finalStage);
    }

    [Theory]
    [MemberData(nameof(ProgramNames))]
    public void Dockerfile_environment_is_configuration_the_program_reads_and_its_ports_are_exposed(string project)
    {
        var configuration = ProgramConfiguration.ForProject(project);
        var environment = DockerfileEnvironment(project);
        Assert.All(environment.Keys, key => Assert.True(configuration.Reads(key), $"{project} does not read {key}"));

        var exposed = Dockerfile(project).Where(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal))
            .SelectMany(l => l["EXPOSE ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();
        foreach (var key in new[] { "ASPNETCORE_HTTP_PORTS", "Cumin__Orleans__SiloPort", "Cumin__Orleans__GatewayPort" }.Where(environment.ContainsKey))
        {
            Assert.Contains(environment[key], exposed);
        }
    }

    [Theory]
    [InlineData("Cumin.Silo")]
    [InlineData("Cumin.Api")]
    public void Dockerfile_health_check_asks_a_health_path_of_the_program_on_its_http_port(string project)
    {
        var healthCheck = string.Join(' ', Dockerfile(project).SkipWhile(l => !l.StartsWith("HEALTHCHECK", StringComparison.Ordinal)).Take(2));
        var (port, path) = HealthProbe(healthCheck);
        Assert.Equal(DockerfileEnvironment(project)["ASPNETCORE_HTTP_PORTS"], port);
        Assert.Contains(path, ProgramConfiguration.ForProject(project).HealthPaths);
    }

    // ------------------------------------------------------------------ CloudFormation

    [Fact]
    public void Template_references_only_parameters_resources_and_pseudo_parameters()
    {
        Assert.Equal("2010-09-09", Template.Get("AWSTemplateFormatVersion").Scalar());
        var names = Template.Get("Parameters").Entries().Select(e => e.Key)
            .Concat(Template.Get("Resources").Entries().Select(e => e.Key)).ToHashSet();
        var conditions = Template.Get("Conditions").Entries().Select(e => e.Key).ToHashSet();
        var unresolved = new List<string>();
        foreach (var node in Template.Descendants())
        {
            var tag = node.Tag.IsEmpty ? "" : node.Tag.Value;
            IEnumerable<string> targets = tag switch
            {
                "!Ref" => [node.Scalar()!],
                "!GetAtt" => [node.Scalar()!.Split('.')[0]],
                "!Sub" => SubReference().Matches(node.Scalar() ?? node.Items().First().Scalar()!).Select(m => m.Groups["name"].Value),
                _ => [],
            };
            unresolved.AddRange(targets.Where(t => !t.StartsWith("AWS::", StringComparison.Ordinal) && !names.Contains(t)));
            if (tag == "!If")
            {
                var condition = node.Items().First().Scalar()!;
                if (!conditions.Contains(condition))
                {
                    unresolved.Add(condition);
                }
            }
        }

        Assert.Empty(unresolved);
    }

    [Fact]
    public void Template_containers_get_only_configuration_their_program_reads()
    {
        var unknown = new List<string>();
        foreach (var container in Containers())
        {
            var configuration = ContainerProgram(container);
            var variables = container.Get("Environment").Items().Concat(container.Get("Secrets").Items()).Select(v => v.Get("Name").Scalar()!);
            unknown.AddRange(variables.Where(v => !configuration.Reads(v)).Select(v => $"{container.Get("Name").Scalar()}: {v}"));
        }

        Assert.Equal(3, Containers().Count());
        Assert.Empty(unknown);
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("api")]
    public void Template_containers_map_the_ports_they_listen_on_probe_a_health_path_and_outlast_their_shutdown(string name)
    {
        var container = Containers().Single(c => c.Get("Name").Scalar() == name);
        var environment = container.Get("Environment").Items().ToDictionary(v => v.Get("Name").Scalar()!, v => v.Get("Value").Scalar());
        var mapped = container.Get("PortMappings").Items().Select(p => p.Get("ContainerPort").Scalar()).ToHashSet();
        var listening = new[] { "ASPNETCORE_HTTP_PORTS", "Cumin__Orleans__SiloPort", "Cumin__Orleans__GatewayPort" }.Where(environment.ContainsKey).Select(k => environment[k]).ToHashSet();
        Assert.Equal(listening, mapped);

        var (port, path) = HealthProbe(string.Join(' ', container.Get("HealthCheck").Get("Command").Items().Select(i => i.Scalar())));
        Assert.Equal(environment["ASPNETCORE_HTTP_PORTS"], port);
        Assert.Contains(path, ContainerProgram(container).HealthPaths);

        var stopTimeout = TimeSpan.FromSeconds(int.Parse(container.Get("StopTimeout").Scalar()!, CultureInfo.InvariantCulture));
        var shutdown = TimeSpan.Parse(environment["Cumin__ShutdownTimeout"]!, CultureInfo.InvariantCulture);
        Assert.True(stopTimeout >= shutdown + TimeSpan.FromSeconds(10), $"{name}: stopTimeout {stopTimeout} must outlast Cumin:ShutdownTimeout {shutdown}");
    }

    [Fact]
    public void Template_load_balancer_checks_readiness_and_keeps_signalr_sticky()
    {
        var resources = Template.Get("Resources")!;
        Assert.Equal("/health/ready", resources.Get("ApiTargetGroup").Get("Properties").Get("HealthCheckPath").Scalar());
        Assert.Contains("/health/ready", ProgramConfiguration.Api.HealthPaths);
        var hubs = resources.Get("HubsTargetGroup").Get("Properties").Get("TargetGroupAttributes").Items()
            .ToDictionary(a => a.Get("Key").Scalar()!, a => a.Get("Value").Scalar());
        Assert.Equal("true", hubs["stickiness.enabled"]);
        Assert.Equal(["/hubs/*"], resources.Get("HubsRule").Get("Properties").Get("Conditions").Items().Single().Get("Values").Items().Select(v => v.Scalar()));
    }

    [Fact]
    public void Template_tables_streams_and_indexes_are_the_ones_the_silo_creates()
    {
        // The silo's own mappings (what it creates on DynamoDB Local), against what the template declares for AWS.
        var storage = new Cumin.Orleans.DynamoDB.DynamoDBGrainStorageOptions();
        Cumin.Silo.SiloHost.ConfigureTables(storage);
        var resources = Template.Get("Resources")!;
        var tables = resources.Entries().Where(r => r.Value.Get("Type").Scalar() == "AWS::DynamoDB::Table")
            .ToDictionary(r => r.Value.Get("Properties").Get("TableName").Scalar()!, r => r.Value.Get("Properties")!);
        var mapped = storage.Tables.Values.DistinctBy(m => m.TableName).ToList();
        Assert.Equal(mapped.Select(m => "${TablePrefix}" + m.TableName).Order(), tables.Keys.Order());
        Assert.Contains(mapped, m => m.TableName == "tasks" && m.LocalSecondaryIndexes.Count == 1 && m.GlobalSecondaryIndexes.Count == 1);

        foreach (var mapping in mapped)
        {
            var properties = tables["${TablePrefix}" + mapping.TableName];
            var where = mapping.TableName;
            Assert.Equal(mapping.StreamViewType, properties.Get("StreamSpecification").Get("StreamViewType").Scalar());
            Assert.Equal(KeySchema(mapping.PartitionKeyName, mapping.SortKeyName), KeySchema(properties.Get("KeySchema")));
            Assert.Equal(
                mapping.LocalSecondaryIndexes.Select(i => Index(i.IndexName, KeySchema(mapping.PartitionKeyName, i.SortKeyName))).Order().ToList(),
                Indexes(properties.Get("LocalSecondaryIndexes")));
            Assert.Equal(
                mapping.GlobalSecondaryIndexes.Select(i => Index(i.IndexName, KeySchema(i.PartitionKeyName!, i.SortKeyName))).Order().ToList(),
                Indexes(properties.Get("GlobalSecondaryIndexes")));
            // Every key of the table and of its indexes is declared, as strings, and nothing else is.
            var keys = new[] { mapping.PartitionKeyName, mapping.SortKeyName }
                .Concat(mapping.LocalSecondaryIndexes.Concat(mapping.GlobalSecondaryIndexes).SelectMany(i => new[] { i.PartitionKeyName, i.SortKeyName }))
                .OfType<string>().Distinct().Order().ToList();
            var declared = properties.Get("AttributeDefinitions").Items().ToList();
            Assert.True(keys.SequenceEqual(declared.Select(d => d.Get("AttributeName").Scalar()!).Order()), $"{where}: attribute definitions");
            Assert.All(declared, d => Assert.Equal("S", d.Get("AttributeType").Scalar()));
        }

        // The silo may use every table it maps, and query the indexes.
        var silo = resources.Entries().Single(r => r.Key == "SiloTaskRole").Value.Get("Properties").Get("Policies").Items()
            .SelectMany(p => p.Get("PolicyDocument").Get("Statement").Items()).ToList();
        var granted = silo.SelectMany(statement => statement.Get("Resource") is YamlSequenceNode list ? list.Children : [statement.Get("Resource")!])
            .Select(r => r.Scalar() ?? "").ToHashSet();
        foreach (var (name, resource) in resources.Entries().Where(r => r.Value.Get("Type").Scalar() == "AWS::DynamoDB::Table"))
        {
            Assert.Contains($"{name}.Arn", granted);
        }

        Assert.Contains("${TasksTable.Arn}/index/*", granted);
    }

    private static List<(string Name, string Type)> KeySchema(string partitionKey, string? sortKey) =>
        sortKey is null ? [(partitionKey, "HASH")] : [(partitionKey, "HASH"), (sortKey, "RANGE")];

    private static List<(string Name, string Type)> KeySchema(YamlNode? schema) =>
        [.. schema.Items().Select(k => (k.Get("AttributeName").Scalar()!, k.Get("KeyType").Scalar()!))];

    private static List<string> Indexes(YamlNode? indexes) =>
        [.. indexes.Items().Select(i =>
        {
            Assert.Equal("ALL", i.Get("Projection").Get("ProjectionType").Scalar());
            return Index(i.Get("IndexName").Scalar()!, KeySchema(i.Get("KeySchema")));
        }).Order()];

    private static string Index(string name, List<(string Name, string Type)> keys) =>
        $"{name}: {string.Join(", ", keys.Select(k => $"{k.Name} {k.Type}"))}";

    [Fact]
    public void Template_lambdas_name_real_handlers_get_only_configuration_they_read_and_the_exporter_sees_inserts_only()
    {
        var resources = Template.Get("Resources")!;
        var functions = resources.Entries().Where(r => r.Value.Get("Type").Scalar() == "AWS::Lambda::Function").ToDictionary(r => r.Key, r => r.Value.Get("Properties")!);
        Assert.Equal(["AggregatorFunction", "ExporterFunction", "WebhookDelivererFunction", "WebhookEventsFunction"], functions.Keys.Order());

        // Each handler is resolved against the built assembly, as the .NET Lambda runtime would: a public class with
        // a parameterless constructor and a public Task<Stream> method taking a Stream.
        foreach (var (name, function) in functions)
        {
            var (assembly, typeName, method) = Handler(function.Get("Handler").Scalar()!);
            Assert.Equal("Cumin.Lambdas", assembly);
            var type = typeof(Cumin.Lambdas.Aggregation.AggregatorFunction).Assembly.GetType(typeName, throwOnError: true)!;
            Assert.NotNull(type.GetConstructor(Type.EmptyTypes));
            var handle = type.GetMethod(method, BindingFlags.Public | BindingFlags.Instance, [typeof(Stream)]);
            Assert.True(handle?.ReturnType == typeof(Task<Stream>), $"{name}: {typeName}.{method}(Stream) returning Task<Stream>");
        }

        foreach (var (name, configuration) in new[]
                 {
                     ("AggregatorFunction", ProgramConfiguration.AggregatorFunction), ("ExporterFunction", ProgramConfiguration.ExporterFunction),
                     ("WebhookEventsFunction", ProgramConfiguration.WebhookEventsFunction), ("WebhookDelivererFunction", ProgramConfiguration.WebhookDelivererFunction),
                 })
        {
            var variables = functions[name].Get("Environment").Get("Variables").Entries().Select(e => e.Key).ToList();
            Assert.All(variables, v => Assert.True(configuration.Reads(v), $"{name} does not read {v}"));
        }

        var mappings = resources.Entries().Where(r => r.Value.Get("Type").Scalar() == "AWS::Lambda::EventSourceMapping")
            .Select(r => r.Value.Get("Properties")!).ToList();
        Assert.Equal(9, mappings.Count);
        Assert.All(mappings, m => Assert.Equal(["ReportBatchItemFailures"], m.Get("FunctionResponseTypes").Items().Select(i => i.Scalar())));
        var exporter = mappings.Single(m => m.Get("FunctionName").Scalar() == "ExporterFunction");
        Assert.Equal("JobsTable.StreamArn", exporter.Get("EventSourceArn").Scalar());
        Assert.Equal("{\"eventName\":[\"INSERT\"]}", exporter.Get("FilterCriteria").Get("Filters").Items().Single().Get("Pattern").Scalar());
        Assert.Equal(
            ["ProjectsTable.StreamArn", "TasksTable.StreamArn"],
            mappings.Where(m => m.Get("FunctionName").Scalar() == "AggregatorFunction").Select(m => m.Get("EventSourceArn").Scalar()).Order());
        // The webhook events come from every table the local runner feeds the event function, and the deliverer drains
        // the deliveries queue.
        Assert.Equal(
            Cumin.Lambdas.Webhooks.ProjectEventReader.Tables.Select(t => $"{char.ToUpperInvariant(t[0])}{t[1..]}Table.StreamArn").Order(),
            mappings.Where(m => m.Get("FunctionName").Scalar() == "WebhookEventsFunction").Select(m => m.Get("EventSourceArn").Scalar()).Order());
        Assert.Equal(
            "WebhookDeliveriesQueue.Arn",
            mappings.Single(m => m.Get("FunctionName").Scalar() == "WebhookDelivererFunction").Get("EventSourceArn").Scalar());
        // The aggregator's records are retried until counted, in AWS as by the local runner.
        Assert.All(
            mappings.Where(m => m.Get("FunctionName").Scalar() == "AggregatorFunction"),
            m => Assert.Equal(
                Cumin.Lambdas.LocalRunner.EventSourceRunnerBuilder.AggregatorMaximumRetryAttempts.ToString(CultureInfo.InvariantCulture),
                m.Get("MaximumRetryAttempts").Scalar()));
    }

    [Fact]
    public void Template_roles_grant_no_wildcard_actions_and_no_wildcard_resources_but_the_unavoidable_one()
    {
        // dynamodb:ListTables (the API's readiness check) has no resource-level permissions in IAM.
        var allowedOnAnyResource = new HashSet<string>(StringComparer.Ordinal) { "dynamodb:ListTables" };
        var violations = new List<string>();
        foreach (var (name, resource) in Template.Get("Resources").Entries().Where(r => r.Value.Get("Type").Scalar() == "AWS::IAM::Role"))
        {
            foreach (var statement in resource.Get("Properties").Get("Policies").Items()
                         .SelectMany(p => p.Get("PolicyDocument").Get("Statement").Items()))
            {
                var actions = statement.Get("Action") is YamlSequenceNode list ? list.Children.Select(a => a.Scalar()!).ToList() : [statement.Get("Action").Scalar()!];
                violations.AddRange(actions.Where(a => a.Contains('*', StringComparison.Ordinal)).Select(a => $"{name}: wildcard action {a}"));
                if (statement.Get("Resource").Scalar() == "*" && statement.Get("Resource")!.Tag.IsEmpty)
                {
                    violations.AddRange(actions.Where(a => !allowedOnAnyResource.Contains(a)).Select(a => $"{name}: {a} on any resource"));
                }
            }
        }

        Assert.Empty(violations);
    }

    // ------------------------------------------------------------------ helpers

    private static string? ComposeProject(YamlNode service) =>
        service.Get("build").Get("dockerfile").Scalar() is { } dockerfile ? dockerfile.Split('/')[0] : null;

    private static YamlNode ComposeService(string project) =>
        Compose.Get("services").Entries().Single(s => ComposeProject(s.Value) == project).Value;

    private static List<string> Dockerfile(string project) =>
        File.ReadAllLines(Repository.PathOf(project, "Dockerfile")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

    /// <summary>The ENV instructions of the final stage (continuation lines joined).</summary>
    private static Dictionary<string, string> DockerfileEnvironment(string project)
    {
        var text = string.Join('\n', File.ReadAllLines(Repository.PathOf(project, "Dockerfile")).Where(l => !l.TrimStart().StartsWith('#')))
            .Replace("\\\n", " ", StringComparison.Ordinal);
        return text.Split('\n').Where(l => l.StartsWith("ENV ", StringComparison.Ordinal))
            .SelectMany(l => l[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
    }

    private static IEnumerable<YamlNode> Containers() =>
        Template.Get("Resources").Entries().Where(r => r.Value.Get("Type").Scalar() == "AWS::ECS::TaskDefinition")
            .SelectMany(r => r.Value.Get("Properties").Get("ContainerDefinitions").Items());

    private static ProgramConfiguration ContainerProgram(YamlNode container) => container.Get("Name").Scalar() switch
    {
        "silo" => ProgramConfiguration.Silo,
        "api" => ProgramConfiguration.Api,
        "migrate" => ProgramConfiguration.Runner,
        var other => throw new InvalidOperationException($"unknown container {other}"),
    };

    private static (string Port, string Path) HealthProbe(string command)
    {
        var match = HealthProbePattern().Match(command);
        Assert.True(match.Success, $"not an HTTP health probe: {command}");
        return (match.Groups["port"].Value, match.Groups["path"].Value);
    }

    private static (string Assembly, string Type, string Method) Handler(string handler)
    {
        var parts = handler.Split("::");
        Assert.Equal(3, parts.Length);
        return (parts[0], parts[1], parts[2]);
    }

    [GeneratedRegex(@"/dev/tcp/127\.0\.0\.1/(?<port>\d+).*GET (?<path>/\S+) HTTP")]
    private static partial Regex HealthProbePattern();

    [GeneratedRegex(@"server api:(?<port>\d+)")]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"listen (?<port>\d+);")]
    private static partial Regex ListenPort();

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z0-9:]+)(\.[A-Za-z0-9.]+)?\}")]
    private static partial Regex SubReference();
}
