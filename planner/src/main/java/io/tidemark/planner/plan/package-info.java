/**
 * The plan language (docs/plan-reference.md): {@link io.tidemark.planner.plan.PlanParser} reads HOCON or JSON into a
 * validated {@link io.tidemark.planner.plan.Plan}. Keys are kebab-case; every operation takes an optional
 * {@code schema} (default {@code public}) except {@code sql}, whose statements name their own.
 *
 * <table>
 *   <caption>Operations, their keys (required in bold) and phases</caption>
 *   <tr><th>op</th><th>keys</th><th>phase</th></tr>
 *   <tr><td>create_table</td><td><b>table</b>, <b>columns</b> [{<b>name</b>, <b>type</b>, nullable, default,
 *       primary-key}], primary-key [..]</td><td>expand</td></tr>
 *   <tr><td>add_column</td><td><b>table</b>, <b>column</b>, <b>type</b>, default (constant), nullable (false
 *       needs a default)</td><td>expand</td></tr>
 *   <tr><td>create_index</td><td><b>table</b>, <b>name</b>, <b>columns</b> or <b>expressions</b>, unique, where,
 *       using (btree)</td><td>expand, contract</td></tr>
 *   <tr><td>drop_index</td><td><b>name</b></td><td>contract</td></tr>
 *   <tr><td>add_check</td><td><b>table</b>, <b>name</b>, <b>expression</b></td><td>expand, contract</td></tr>
 *   <tr><td>add_foreign_key</td><td><b>table</b>, <b>name</b>, <b>columns</b>, <b>references</b> {schema,
 *       <b>table</b>, <b>columns</b>}, on-delete (no-action)</td><td>expand, contract</td></tr>
 *   <tr><td>add_unique</td><td><b>table</b>, <b>name</b>, <b>columns</b>, index (= name)</td>
 *       <td>expand, contract</td></tr>
 *   <tr><td>set_not_null</td><td><b>table</b>, <b>column</b></td><td>contract</td></tr>
 *   <tr><td>rename_column</td><td><b>table</b>, <b>from</b>, <b>to</b>, <b>type</b></td>
 *       <td>expand (+ contract steps)</td></tr>
 *   <tr><td>change_type</td><td><b>table</b>, <b>column</b>, <b>to</b>, <b>type</b>, using, reverse-using</td>
 *       <td>expand (+ contract steps)</td></tr>
 *   <tr><td>add_enum_value</td><td><b>type</b>, <b>value</b>, before | after</td><td>expand</td></tr>
 *   <tr><td>backfill</td><td><b>table</b>, <b>set</b> ("a = x, b = y" or {a = "x"}), where,
 *       max-rows-per-second, target-batch-duration, min-batch-rows, max-batch-rows</td><td>migrate</td></tr>
 *   <tr><td>drop_column</td><td><b>table</b>, <b>column</b></td><td>contract</td></tr>
 *   <tr><td>drop_table</td><td><b>table</b></td><td>contract</td></tr>
 *   <tr><td>sql</td><td><b>statements</b>, transactional (true), unsafe = "reason", down</td><td>any</td></tr>
 * </table>
 *
 * <p>Top level: <b>id</b>, description, <b>databases</b>, rollout {canary (0), parallel (1)},
 * {@code contract.approval} or {@code approval} = required (default) | auto, expand, migrate, contract.
 */
package io.tidemark.planner.plan;
