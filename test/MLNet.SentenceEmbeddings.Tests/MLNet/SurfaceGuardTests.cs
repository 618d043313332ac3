using System.Reflection;
using Mono.Cecil;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.SentenceEmbeddings.MLNet;

namespace MLNet.SentenceEmbeddings.Tests.MLNetIntegration;

/// <summary>
/// Fails loudly when the ML.NET internals we compile against (through the publicized reference) are not what
/// the real, runtime Microsoft.ML.* assemblies provide, or when our dependency on internals grows/shrinks.
/// </summary>
[TestClass]
public sealed class SurfaceGuardTests
{
    private static readonly string[] MLNetAssemblies = ["Microsoft.ML.Core", "Microsoft.ML.Data"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Runtime_MLNet_Is_The_Pinned_Version()
    {
        foreach (var asm in new[] { typeof(ModelSaveContext).Assembly, typeof(TransformerChain<>).Assembly })
        {
            var info = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
            StringAssert.StartsWith(info, "5.0.1", $"{asm.GetName().Name} is {info}; the publicized-internals glue is pinned to Microsoft.ML 5.0.1");
        }
    }

    /// <summary>
    /// Every type/member that MLNet.SentenceEmbeddings.MLNet.dll references in Microsoft.ML.Core/Data (IL member references, i.e. exactly
    /// what the JIT will bind) must resolve against the ORIGINAL runtime assemblies. Non-public ones are compared
    /// with an approved list, so any change of our internal surface is a reviewed change.
    /// </summary>
    [TestMethod]
    public void Every_MLNet_Member_The_Extension_Uses_Exists_And_Internal_Surface_Is_Approved()
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(typeof(ModelSaveContext).Assembly.Location)!); // nuget package, not publicized
        resolver.AddSearchDirectory(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
        resolver.AddSearchDirectory(AppContext.BaseDirectory);
        using var proto = AssemblyDefinition.ReadAssembly(typeof(SentenceEmbeddingTransformer).Assembly.Location,
            new ReaderParameters { AssemblyResolver = resolver });
        var module = proto.MainModule;

        var missing = new List<string>();
        var nonPublic = new SortedSet<string>(StringComparer.Ordinal);

        foreach (var tr in module.GetTypeReferences().Where(t => IsMLNet(t.Scope)))
        {
            var td = tr.Resolve();
            if (td is null) { missing.Add("type " + tr.FullName); continue; }
            if (!IsVisible(td)) nonPublic.Add("type " + td.FullName);
        }
        foreach (var mr in module.GetMemberReferences().Where(m => IsMLNet(m.DeclaringType.GetElementType().Scope)))
        {
            IMemberDefinition? md = mr switch { MethodReference m => m.Resolve(), FieldReference f => f.Resolve(), _ => null };
            if (md is null) { missing.Add("member " + mr.FullName); continue; }
            bool visible = md switch
            {
                MethodDefinition m => m.IsPublic && IsVisible(m.DeclaringType),
                FieldDefinition f => f.IsPublic && IsVisible(f.DeclaringType),
                _ => true,
            };
            if (!visible) nonPublic.Add(md.FullName);
        }
        // Custom attributes (LoadableClass) are constructor references too; covered above via MemberReferences.

        Assert.IsEmpty(missing, "Members MLNet.SentenceEmbeddings.MLNet.dll binds to are missing from the runtime ML.NET:\n" + string.Join("\n", missing));

        var approvedPath = Path.Combine(AppContext.BaseDirectory, "MLNetInternalSurface.approved.txt");
        var approved = File.Exists(approvedPath) ? File.ReadAllLines(approvedPath).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList() : [];
        var actual = nonPublic.ToList();
        var received = Path.Combine(TestContext.TestRunResultsDirectory ?? Path.GetTempPath(), "MLNetInternalSurface.received.txt");
        File.WriteAllLines(received, actual);
        var added = actual.Except(approved).ToList();
        var removed = approved.Except(actual).ToList();
        Assert.IsTrue(added.Count == 0 && removed.Count == 0,
            $"ML.NET internal surface used by MLNet.SentenceEmbeddings.MLNet changed. Review, then copy {received} over test/MLNet.SentenceEmbeddings.Tests/MLNet/MLNetInternalSurface.approved.txt.\n" +
            $"Added:\n  {string.Join("\n  ", added)}\nRemoved:\n  {string.Join("\n  ", removed)}");

        static bool IsMLNet(IMetadataScope scope) => MLNetAssemblies.Contains(scope.Name);
        static bool IsVisible(TypeDefinition t) => t.IsNested ? t.IsNestedPublic && IsVisible(t.DeclaringType) : t.IsPublic;
    }

    /// <summary>Readable spot checks of the members the persistence path relies on (signatures included).</summary>
    [TestMethod]
    public void Persistence_Internals_Have_Expected_Shape()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        var core = typeof(ModelSaveContext).Assembly;
        Type T(string name) => core.GetType(name, throwOnError: true)!;

        var save = typeof(ModelSaveContext);
        var load = T("Microsoft.ML.ModelLoadContext");
        var ver = T("Microsoft.ML.VersionInfo");
        Assert.IsNotNull(save.GetMethod("SetVersionInfo", all, [ver]));
        Assert.IsNotNull(save.GetMethod("CheckAtModel", all, Type.EmptyTypes));
        Assert.IsNotNull(save.GetMethod("SaveNonEmptyString", all, [typeof(string)]));
        Assert.IsNotNull(save.GetMethod("SaveBinaryStream", all, [typeof(string), typeof(Action<BinaryWriter>)]));
        Assert.IsNotNull(save.GetMethod("SaveTextStream", all, [typeof(string), typeof(Action<TextWriter>)]));
        Assert.AreEqual(typeof(BinaryWriter), save.GetField("Writer", all)?.FieldType);
        Assert.IsNotNull(load.GetMethod("CheckAtModel", all, [ver]));
        Assert.IsNotNull(load.GetMethod("TryLoadBinaryStream", all, [typeof(string), typeof(Action<BinaryReader>)]));
        Assert.IsNotNull(load.GetMethod("TryLoadTextStream", all, [typeof(string), typeof(Action<TextReader>)]));
        Assert.AreEqual(typeof(BinaryReader), load.GetField("Reader", all)?.FieldType);
        Assert.AreEqual(typeof(string), load.GetField("LoaderAssemblyName", all)?.FieldType,
            "ModelLoadContext.LoaderAssemblyName drives the automatic ComponentCatalog.RegisterAssembly on load");
        Assert.IsNotNull(ver.GetConstructor(all, [typeof(string), typeof(uint), typeof(uint), typeof(uint), typeof(string), typeof(string), typeof(string)]));
        Assert.IsNotNull(T("Microsoft.ML.SignatureLoadModel").GetMethod("Invoke", [load]));
        Assert.IsNotNull(T("Microsoft.ML.LoadableClassAttribute").GetConstructor(all, [typeof(Type), typeof(Type), typeof(Type), typeof(string), typeof(string[])]));
        Assert.IsNotNull(load.GetMethod("EnsureLoaderAssemblyIsRegistered", all),
            "ML.NET no longer auto-registers the loader assembly named in the model header");
    }
}
