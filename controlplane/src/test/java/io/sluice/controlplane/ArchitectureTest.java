package io.sluice.controlplane;

import java.util.regex.Pattern;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The architecture the issue tracker and DESIGN.md promise, checked on the bytecode of the production classes of every
 * module on this module's classpath (native, dataplane, sync, controlplane):
 * the packages of each module are free of cycles, and the modules are layered, native ← dataplane ← controlplane, with
 * sync beside controlplane.
 * <p>
 * The gRPC and protobuf classes generated into {@code io.sluice.controlplane.api.v1} are checked with the rest, as
 * part of the {@code api} package: they refer only to each other and to protobuf and gRPC, so they add no cycle and
 * need no exclusion.
 */
class ArchitectureTest
{
    private static final String NATIVE = "io.sluice.dpdk";
    private static final String DATAPLANE = "io.sluice.dataplane";
    private static final String SYNC = "io.sluice.sync";
    private static final String CONTROLPLANE = "io.sluice.controlplane";
    private static final String FIXTURE = "io.sluice.controlplane.archfixture";

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(new DoNotIncludeTestJars())
        .importPackages(NATIVE, DATAPLANE, SYNC, CONTROLPLANE);

    @Test
    void shouldImportEachModuleWithoutItsTestsWhenReadingTheClasspath()
    {
        assertTrue(PRODUCTION.contain("io.sluice.dpdk.Eal"));
        assertTrue(PRODUCTION.contain("io.sluice.dataplane.flow.FlowTable"));
        assertTrue(PRODUCTION.contain("io.sluice.controlplane.model.ControlModel"));
        assertTrue(PRODUCTION.contain("io.sluice.sync.transport.SyncTransport"));
        assertFalse(PRODUCTION.contain(ArchitectureTest.class.getName()));
        assertFalse(PRODUCTION.contain("io.sluice.dpdk.DpdkTestSupport"));
        assertFalse(PRODUCTION.contain("io.sluice.controlplane.archfixture.cycle.left.Left"));
    }

    @ParameterizedTest
    @ValueSource(strings = {NATIVE, DATAPLANE, SYNC, CONTROLPLANE})
    void shouldFindNoPackageCycleWhenCheckingEachModule(final String basePackage)
    {
        packagesFreeOfCycles(basePackage).check(PRODUCTION);
    }

    @Test
    void shouldKeepTheNativeModuleBelowEveryOtherWhenCheckingItsDependencies()
    {
        dependsOnNone(NATIVE, DATAPLANE, SYNC, CONTROLPLANE).check(PRODUCTION);
    }

    @Test
    void shouldKeepTheDataplaneBelowSyncAndControlPlaneWhenCheckingItsDependencies()
    {
        dependsOnNone(DATAPLANE, SYNC, CONTROLPLANE).check(PRODUCTION);
    }

    @Test
    void shouldKeepSyncBesideTheControlPlaneWhenCheckingItsDependencies()
    {
        dependsOnNone(SYNC, CONTROLPLANE).check(PRODUCTION);
    }

    @Test
    void shouldReportTheCycleWhenTwoPackagesUseEachOther()
    {
        final EvaluationResult result = packagesFreeOfCycles(FIXTURE + ".cycle").evaluate(fixtureClasses());

        assertTrue(result.hasViolation());
        final String report = result.getFailureReport().toString();
        assertTrue(report.contains("Slice left") && report.contains("Slice right"), report);
    }

    @Test
    void shouldReportTheCycleWhenASubpackageUsesItsBasePackage()
    {
        final EvaluationResult result = packagesFreeOfCycles(FIXTURE + ".rooted").evaluate(fixtureClasses());

        assertTrue(result.hasViolation());
        final String report = result.getFailureReport().toString();
        assertTrue(report.contains("Slice " + FIXTURE + ".rooted") && report.contains("Slice sub"), report);
    }

    @Test
    void shouldReportTheDependencyWhenALowerLayerUsesAnUpperOne()
    {
        final EvaluationResult result = dependsOnNone(FIXTURE + ".layer.lower", FIXTURE + ".layer.upper")
            .evaluate(fixtureClasses());

        assertTrue(result.hasViolation());
        assertTrue(result.getFailureReport().toString().contains("Lower.read()"), result.getFailureReport().toString());
    }

    @Test
    void shouldReportNothingWhenTheDependencyGoesDown()
    {
        final EvaluationResult result = dependsOnNone(FIXTURE + ".layer.upper", FIXTURE + ".layer.lower")
            .evaluate(fixtureClasses());

        assertFalse(result.hasViolation(), result.getFailureReport().toString());
    }

    /**
     * Each direct subpackage of a module's base package is one slice (its own subpackages belong to it), and so are
     * the classes of the base package itself; no slice may reach itself again through the others. A module with a
     * single package (native today) or none passes trivially rather than failing as an
     * empty rule.
     */
    private static ArchRule packagesFreeOfCycles(final String basePackage)
    {
        return slices().assignedFrom(new TopLevelPackages(basePackage))
            .should().beFreeOfCycles()
            .allowEmptyShould(true);
    }

    /**
     * No class of the lower module refers to a class of an upper one, in any way the bytecode shows (calls, field
     * accesses, types of fields, parameters and return values, annotations, class literals).
     */
    private static ArchRule dependsOnNone(final String lowerPackage, final String... upperPackages)
    {
        final String[] upper = new String[upperPackages.length];
        for (int i = 0; i < upper.length; i++)
        {
            upper[i] = upperPackages[i] + "..";
        }

        return noClasses().that().resideInAPackage(lowerPackage + "..")
            .should().dependOnClassesThat().resideInAnyPackage(upper)
            .allowEmptyShould(true);
    }

    private static JavaClasses fixtureClasses()
    {
        return new ClassFileImporter().importPackages(FIXTURE);
    }

    /**
     * Like {@code slices().matching(base + ".(*)..")}, which leaves the base package's own classes out, but with those
     * classes as one more slice named after the base package, so that a cycle through them is found too (the control
     * plane had them: {@code api} used {@code AddressText} and {@code DeviceLock}, {@code ctl} used {@code SluiceMain},
     * and {@code Daemon} and {@code SluiceMain} use those packages).
     */
    private static final class TopLevelPackages implements SliceAssignment
    {
        private final String basePackage;

        TopLevelPackages(final String basePackage)
        {
            this.basePackage = basePackage;
        }

        @Override
        public SliceIdentifier getIdentifierOf(final JavaClass javaClass)
        {
            final String packageName = javaClass.getPackageName();
            if (packageName.equals(basePackage))
            {
                return SliceIdentifier.of(basePackage);
            }
            if (!packageName.startsWith(basePackage + "."))
            {
                return SliceIdentifier.ignore();
            }
            final String below = packageName.substring(basePackage.length() + 1);
            final int dot = below.indexOf('.');
            return SliceIdentifier.of(dot < 0 ? below : below.substring(0, dot));
        }

        @Override
        public String getDescription()
        {
            return "the packages of " + basePackage;
        }
    }

    /**
     * The dataplane's and native module's test jars, when Maven resolves them as jars rather than as the reactor's
     * test-classes folders (which {@link ImportOption.Predefined#DO_NOT_INCLUDE_TESTS} already leaves out).
     */
    private static final class DoNotIncludeTestJars implements ImportOption
    {
        private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar!/.*");

        @Override
        public boolean includes(final Location location)
        {
            return !location.matches(TEST_JAR);
        }
    }
}
