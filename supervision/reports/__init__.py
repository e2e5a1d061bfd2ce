"""月度通报 and 年度考核: :mod:`collect` gathers the data (read-only, reproducible), :mod:`charts`
draws it (SVG and PNG), ``to_html``/``to_docx``/``to_pdf``/``to_xlsx`` lay it out, :mod:`store`
keeps generated reports with their parameters and data."""
