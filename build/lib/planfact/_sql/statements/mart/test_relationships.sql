-- data test template, relationships: values of {column} with no row in {to} ({field}).
select c.{column} as value, count(*) as occurrences
from {view} as c
where c.{column} is not null
  and not exists (select 1 from {to} as p where p.{field} = c.{column})
group by c.{column}
