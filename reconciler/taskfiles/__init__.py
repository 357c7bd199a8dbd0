"""Reading task files: tasks.d/*.yaml -> TaskSpecs and every Problem, at file:line:column.

`loader` walks the folder and builds the specs; `yamlsource` keeps each value's position;
`schema` holds the JSON Schema and words its errors; `variables` resolves `${NAME}` references;
`rules` holds what the schema cannot say (unique names, values JSON cannot carry).
"""

from __future__ import annotations
