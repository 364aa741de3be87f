"""The one part of the build that pyproject.toml cannot declare: the optional C extension.

`revcycle.x12._read835` makes reading 835 files several times faster (see revcycle.x12.native835). It is optional:
where no C compiler is at hand the install goes on without it and revcycle reads 835s with its Python reader, with
the same records.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "revcycle.x12._read835",
            sources=["src/revcycle/x12/_read835.c"],
            extra_compile_args=["-O2", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
            optional=True,
        )
    ]
)
