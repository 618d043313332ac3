// MLNetPublicizer: writes compile-time-only copies of .NET assemblies in which every type, nested type,
// method (incl. property/event accessors) and field is public, so C# can compile against ML.NET internals.
// The copies keep the original assembly identity (name, version, public key token), so the compiled
// assembly references the real Microsoft.ML.* assemblies and runs against the untouched originals.
// Runtime access is granted by [IgnoresAccessChecksTo("...")] in the consuming assembly (CoreCLR honours it).
//
// Usage: MLNetPublicizer --out <dir> <input.dll> [<input.dll> ...]
using Mono.Cecil;

namespace MLNetPublicizer;

internal static class Program
{
    private static int Main(string[] args)
    {
        string? outDir = null;
        var inputs = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--out" && i + 1 < args.Length) outDir = args[++i];
            else inputs.Add(args[i]);
        }
        if (outDir is null || inputs.Count == 0)
        {
            Console.Error.WriteLine("usage: MLNetPublicizer --out <dir> <input.dll> [<input.dll> ...]");
            return 2;
        }

        Directory.CreateDirectory(outDir);
        foreach (var input in inputs)
        {
            var output = Path.Combine(outDir, Path.GetFileName(input));
            var stats = Publicize(input, output);
            Console.WriteLine($"MLNetPublicizer: {Path.GetFileName(input)} -> {output} ({stats})");
            // Keep IntelliSense/doc comments for the publicized reference.
            var xml = Path.ChangeExtension(input, ".xml");
            if (File.Exists(xml)) File.Copy(xml, Path.ChangeExtension(output, ".xml"), overwrite: true);
        }
        return 0;
    }

    private static string Publicize(string input, string output)
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(Path.GetFullPath(input))!);
        int types = 0, methods = 0, fields = 0;

        // Read fully into memory so the output may be written next to / over anything.
        using (var asm = AssemblyDefinition.ReadAssembly(new MemoryStream(File.ReadAllBytes(input)),
                   new ReaderParameters { AssemblyResolver = resolver, ReadSymbols = false }))
        {
            foreach (var module in asm.Modules)
            {
                foreach (var type in module.GetTypes()) // GetTypes() includes nested types
                {
                    if (IsCompilerGenerated(type.Name)) continue;

                    if (type.IsNested)
                    {
                        if (!type.IsNestedPublic) { type.IsNestedPublic = true; types++; }
                    }
                    else if (!type.IsPublic) { type.IsPublic = true; types++; }

                    // A public field named like an event (its backing field) makes C# report the event ambiguous.
                    var eventNames = new HashSet<string>(type.Events.Select(e => e.Name));

                    foreach (var method in type.Methods)
                    {
                        if (method.IsPublic) continue;
                        if (IsCompilerGenerated(method.Name)) continue;
                        // Explicit interface implementations ("IFoo.Bar") stay private: they are reached through the interface.
                        if (method.HasOverrides && method.Name.Contains('.') && !method.IsConstructor) continue;
                        method.IsPublic = true; // also widens private protected / protected internal / protected
                        methods++;
                    }

                    foreach (var field in type.Fields)
                    {
                        if (field.IsPublic) continue;
                        if (IsCompilerGenerated(field.Name) || eventNames.Contains(field.Name)) continue;
                        field.IsPublic = true;
                        fields++;
                    }
                }
                // The copy is never loaded at runtime; drop the (now invalid) strong-name signature flag.
                module.Attributes &= ~ModuleAttributes.StrongNameSigned;
            }

            var tmp = output + ".tmp";
            asm.Write(tmp);
            File.Move(tmp, output, overwrite: true);
        }
        return $"{types} types, {methods} methods, {fields} fields made public";
    }

    private static bool IsCompilerGenerated(string name) => name.StartsWith('<');
}
